// The same list, rendered once at start and served from the static cache.
import { ITEMS } from '../data';
import { ItemList } from './_list';

export const prerender = true;

export default function Prerendered() {
  return <ItemList items={ITEMS} />;
}
