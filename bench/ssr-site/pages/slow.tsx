// The list behind a 50 ms load(): the head must not wait for it.
import type { PageProps } from 'wirecore/ssr';
import { ITEMS } from '../data';
import { ItemList } from './_list';

export async function load() {
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { items: ITEMS };
}

export default function Slow({ data }: PageProps<typeof load>) {
  return <ItemList items={data.items} />;
}
