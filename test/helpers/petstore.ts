// Handlers for every operation of the Petstore 3.1 document
// (test/fixtures/openapi/petstore-3.1.yaml), on an in-memory store.
import { fileURLToPath } from 'node:url';
import { NotFound, type SpecHandler } from 'wirecore/app';

export const PETSTORE = fileURLToPath(new URL('../fixtures/openapi/petstore-3.1.yaml', import.meta.url));

interface Pet {
  id: number;
  name: string;
  photoUrls: string[];
  status?: string;
  tags?: Array<{ id?: number; name?: string }>;
}

export function petstoreHandlers(): Record<string, SpecHandler> {
  const pets = new Map<number, Pet>([
    [1, { id: 1, name: 'doggie', photoUrls: ['https://example.com/doggie.png'], status: 'available', tags: [{ id: 1, name: 'good' }] }],
    [2, { id: 2, name: 'kitty', photoUrls: [], status: 'sold' }],
  ]);
  const orders = new Map<number, Record<string, unknown>>();
  const users = new Map<string, Record<string, unknown>>();
  let nextPet = 3;
  const pet = (id: number) => {
    const found = pets.get(id);
    if (found === undefined) throw new NotFound(`No pet ${id}`);
    return found;
  };
  return {
    updatePet: (c) => {
      const body = c.body as Pet;
      pet(body.id);
      pets.set(body.id, body);
      return body;
    },
    addPet: (c) => {
      const body = c.body as Pet;
      const added = { ...body, id: body.id ?? nextPet++, secretField: 'never serialized' };
      pets.set(added.id, added);
      return added;
    },
    findPetsByStatus: (c) => [...pets.values()].filter((p) => p.status === c.query.status),
    findPetsByTags: (c) => {
      const tags = (c.query.tags ?? []) as string[];
      return [...pets.values()].filter((p) => p.tags?.some((t) => tags.includes(t.name ?? '')));
    },
    getPetById: (c) => pet(c.params.petId as number),
    updatePetWithForm: (c) => {
      const found = pet(c.params.petId as number);
      if (typeof c.query.name === 'string') found.name = c.query.name;
      if (typeof c.query.status === 'string') found.status = c.query.status;
      return found;
    },
    deletePet: (c) => {
      pet(c.params.petId as number);
      pets.delete(c.params.petId as number);
      return c.reply(200);
    },
    uploadFile: (c) => ({ code: 200, type: 'upload', message: `${(c.body as Uint8Array).length} bytes for pet ${c.params.petId}` }),
    getInventory: () => {
      const counts: Record<string, number> = {};
      for (const p of pets.values()) if (p.status !== undefined) counts[p.status] = (counts[p.status] ?? 0) + 1;
      return counts;
    },
    placeOrder: (c) => {
      const order = { id: orders.size + 1, ...(c.body as Record<string, unknown>) };
      orders.set(order.id as number, order);
      return order;
    },
    getOrderById: (c) => {
      const order = orders.get(c.params.orderId as number);
      if (order === undefined) throw new NotFound(`No order ${c.params.orderId}`);
      return order;
    },
    deleteOrder: (c) => {
      if (!orders.delete(c.params.orderId as number)) throw new NotFound(`No order ${c.params.orderId}`);
      return c.reply(200);
    },
    createUser: (c) => {
      const user = c.body as Record<string, unknown>;
      users.set(String(user.username), user);
      return user;
    },
    createUsersWithListInput: (c) => {
      const list = c.body as Array<Record<string, unknown>>;
      for (const user of list) users.set(String(user.username), user);
      return list[list.length - 1] ?? {};
    },
    loginUser: (c) => {
      c.header('x-rate-limit', 5000).header('x-expires-after', new Date(0).toISOString());
      return `logged in user session: ${String(c.query.username)}`;
    },
    logoutUser: (c) => c.reply(200),
    getUserByName: (c) => {
      const user = users.get(c.params.username as string);
      if (user === undefined) throw new NotFound(`No user ${c.params.username}`);
      return user;
    },
    updateUser: (c) => {
      users.set(c.params.username as string, c.body as Record<string, unknown>);
      return c.reply(200);
    },
    deleteUser: (c) => {
      if (!users.delete(c.params.username as string)) throw new NotFound(`No user ${c.params.username}`);
      return c.reply(200);
    },
  };
}
