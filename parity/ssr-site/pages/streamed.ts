// A page rendered per request and streamed, for the SSR cases.
export const head = { title: 'Streamed' };

export async function load() {
  return { items: ['a', 'b', 'c'] };
}

export default function Streamed({ data }: { data: { items: string[] } }) {
  return `items: ${data.items.join(', ')}`;
}
