// What a RequestParser keeps between calls while llhttp reads for its
// connection; a connection the fast path serves never makes one.

/** The field list and buffer of a state with none (shared: replaced, never written to). */
export const EMPTY: string[] = [];
export const EMPTY_BUFFER = Buffer.alloc(0);

/** What reading through llhttp keeps between calls. */
export class LlhttpState {
  /** llhttp's parser state in wasm memory. */
  ptr = 0;
  data: Buffer = EMPTY_BUFFER;
  /** Pieces of a URL, field or value cut by a chunk boundary are joined here. */
  url = '';
  field = '';
  value = '';
  valueStarted = false;
  headers: string[] = EMPTY;
  trailers: string[] | null = null;
  headerBytes = 0;
  rawHeadBytes = 0;
  headStartedInChunk = false;
  headStartOffset = 0;
  urlLength = 0;
  tail = 0;
  /** Where the last body bytes in this chunk end: a message after them starts there at the earliest. */
  bodyEnd = 0;
  /** The message being read keeps the connection, as wirecore reads its Connection field. */
  messageKeepAlive = true;
  /** The sink asked to pause after the last message. */
  sinkPaused = false;
  /** The message being read asks to switch protocols (Connection: upgrade and Upgrade). */
  upgrade = false;
}

/** Stands for "llhttp not used yet": its ptr is 0. */
export const NO_LLHTTP = Object.freeze(new LlhttpState());
