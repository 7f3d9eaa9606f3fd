// The notes API built from its OpenAPI document: notes.yaml is the source of
// truth for routes, validation, serialization and security; handlers.ts maps
// each operationId to a function. README.md and adapters/app/README.md show
// the region below as it is (test/readme-snippets.test.ts compares them).
// #region readme
import { fromSpec, type AppLogger } from 'wirecore/app';
import { NOTES_SPEC, notesHandlers } from './handlers.js';                  // notes.yaml, and a handler per operationId in it

export function createNotesApp(options: { jwtSecret: string; logger?: AppLogger; watch?: boolean }) {
  return fromSpec(NOTES_SPEC, {                                            // OpenAPI 3.0 or 3.1, JSON or YAML, $refs resolved
    handlers: notesHandlers(),                                            // listNotes, createNote, getNote, deleteNote, noteEvents
    security: { bearer: { jwt: { secret: options.jwtSecret } } },         // HS256; a JWKS URL: jwt: { jwks: url }
    cors: { origin: '*' },
    compression: true,
    watch: options.watch ?? false,                                        // edit the spec: the route table is swapped atomically
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
// #endregion
