// Rendered per request and streamed.
import type { PageProps } from 'wirecore/ssr';
import { ITEMS } from '../data';
import { ItemList } from './_list';

export function load() {
  return { items: ITEMS };
}

export default function List({ data }: PageProps<typeof load>) {
  return <ItemList items={data.items} />;
}
