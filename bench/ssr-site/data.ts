// The bench page's data: 100 items, the same for every server.
export interface Item {
  id: number;
  title: string;
  description: string;
  price: string;
}

export const ITEMS: Item[] = Array.from({ length: 100 }, (_, i) => ({
  id: i + 1,
  title: `Item ${i + 1}`,
  description: `A short description of item ${i + 1}, long enough to look like content.`,
  price: ((i * 37) % 1000 / 10 + 1).toFixed(2),
}));
