// The notes API's handlers, one per operationId of notes.yaml, on an
// in-memory store, and where notes.yaml is.
import { EventEmitter, on } from 'node:events';
import { existsSync } from 'node:fs';
import { NotFound, type SpecHandler, type SseEvent } from 'wirecore/app';

// Next to this module when run from source; from dist/, the file in the source tree.
const beside = new URL('./notes.yaml', import.meta.url);
export const NOTES_SPEC = existsSync(beside) ? beside : new URL('../../../examples/app-spec/notes.yaml', import.meta.url);

interface Note {
  id: number;
  text: string;
  tags: string[];
  author: string;
  createdAt: string;
}

export function notesHandlers(): Record<string, SpecHandler> {
  const notes = new Map<number, Note>();
  const changes = new EventEmitter();
  let nextId = 1;
  const find = (id: number) => {
    const note = notes.get(id);
    if (note === undefined) throw new NotFound(`No note ${id}`);
    return note;
  };
  return {
    listNotes: (c) => {
      const { tag, limit } = c.query as { tag?: string; limit: number };
      const all = [...notes.values()].reverse().filter((n) => tag === undefined || n.tags.includes(tag));
      return { total: all.length, items: all.slice(0, limit) };
    },
    createNote: (c) => {
      const body = c.body as { text: string; tags?: string[] };
      const note: Note = { id: nextId++, text: body.text, tags: body.tags ?? [], author: String(c.principal.sub), createdAt: new Date().toISOString() };
      notes.set(note.id, note);
      changes.emit('change', { event: 'created', id: note.id, data: note });
      c.header('location', `/notes/${note.id}`);
      return c.reply(201, note);
    },
    getNote: (c) => find(c.params.id as number),
    deleteNote: (c) => {
      const note = find(c.params.id as number);
      notes.delete(note.id);
      changes.emit('change', { event: 'deleted', id: note.id, data: { id: note.id } });
      return c.reply(204);
    },
    // Every change from now on, until the client leaves (the request's signal ends the wait).
    noteEvents: (c) =>
      c.sse(
        (async function* (): AsyncGenerator<SseEvent> {
          try {
            for await (const [change] of on(changes, 'change', { signal: c.req.signal })) yield change as SseEvent;
          } catch (error) {
            if ((error as Error).name !== 'AbortError') throw error;
          }
        })(),
        { heartbeatMs: 15_000 },
      ),
  };
}
