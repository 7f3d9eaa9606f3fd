// Baseline: the same page through Hono's JSX (hono/jsx) on @hono/node-server.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Fragment, jsx } from 'hono/jsx';
import { ITEMS, type Item } from '../ssr-site/data.js';

// hono/jsx without JSX syntax, so tsc builds it with the rest of bench/.
const Layout = ({ children }: { children?: unknown }) =>
  jsx(Fragment, null, jsx('header', null, jsx('a', { href: '/' }, 'Shop')), jsx('main', null, children as never), jsx('footer', null, 'bench'));

const ItemList = ({ items }: { items: Item[] }) =>
  jsx(
    'ul',
    { class: 'items' },
    items.map((item) => jsx('li', { key: item.id }, jsx('a', { href: `/items/${item.id}` }, item.title), jsx('p', null, item.description), jsx('span', { class: 'price' }, item.price))),
  );

const Document = ({ children }: { children?: unknown }) =>
  jsx(
    'html',
    { lang: 'en' },
    jsx(
      'head',
      null,
      jsx('meta', { charset: 'utf-8' }),
      jsx('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      jsx('title', null, 'Catalogue'),
      jsx('link', { rel: 'stylesheet', href: '/styles.css' }),
    ),
    jsx('body', null, jsx(Layout, null, children as never)),
  );

const app = new Hono();
app.get('/list', (c) => c.html('<!DOCTYPE html>' + jsx(Document, null, jsx(ItemList, { items: ITEMS })).toString()));

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`READY ${info.port}`));
