// Preact with preact-render-to-string 6: the shell renders synchronously,
// Suspense boundaries stream after it.
// The packages' own types pull the DOM lib into the whole program, so the
// few functions used are typed here.
import { importPeer } from '../peer.js';
import { readAhead, type Renderer } from '../renderer.js';

interface PreactApi {
  h(type: unknown, props: Record<string, unknown> | null, ...children: unknown[]): unknown;
}
interface PreactStringApi {
  renderToStringAsync(vnode: unknown): string | Promise<string>;
}
interface PreactStreamApi {
  renderToReadableStream(vnode: unknown): ReadableStream<Uint8Array> & { allReady: Promise<void> };
}

export async function createPreactRenderer(): Promise<Renderer> {
  const purpose = 'the Preact renderer';
  const { h } = await importPeer<PreactApi>('preact', 'preact', purpose);
  const { renderToStringAsync } = await importPeer<PreactStringApi>('preact-render-to-string', 'preact-render-to-string', purpose);
  const { renderToReadableStream } = await importPeer<PreactStreamApi>('preact-render-to-string/stream', 'preact-render-to-string', purpose);
  return {
    name: 'preact',
    element: (type, props, children) => (children === undefined ? h(type, props) : h(type, props, children)),
    async stream(element) {
      const stream = renderToReadableStream(element);
      // Its failure also errors the stream we read; this copy must not go unhandled.
      stream.allReady.catch(() => {});
      return readAhead(stream);
    },
    async toHtml(element) {
      return renderToStringAsync(element);
    },
  };
}
