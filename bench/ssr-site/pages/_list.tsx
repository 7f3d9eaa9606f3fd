import type { Item } from '../data';

export function ItemList({ items }: { items: Item[] }) {
  return (
    <ul class="items">
      {items.map((item) => (
        <li key={item.id}>
          <a href={`/items/${item.id}`}>{item.title}</a>
          <p>{item.description}</p>
          <span class="price">{item.price}</span>
        </li>
      ))}
    </ul>
  );
}
