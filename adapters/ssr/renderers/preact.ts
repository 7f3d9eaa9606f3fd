// Preact with preact-render-to-string 6. A page renders synchronously with
// renderToString; only when a component suspends (or fails) is it rendered
// again with the streaming renderer, whose Suspense boundaries stream as they
// resolve. So a page without Suspense pays for no web stream, and components
// must render without side effects (as React's StrictMode also demands).
// The packages' own types pull the DOM lib into the whole program, so the
// few functions used are typed here.
import { importPeer } from '../peer.js';
import { readAhead, whole, type Renderer } from '../renderer.js';

interface PreactApi {
  h(type: unknown, props: Record<string, unknown> | null, ...children: unknown[]): unknown;
}
interface PreactStringApi {
  renderToString(vnode: unknown): string;
  renderToStringAsync(vnode: unknown): string | Promise<string>;
}
interface PreactStreamApi {
  renderToReadableStream(vnode: unknown): ReadableStream<Uint8Array> & { allReady: Promise<void> };
}

export async function createPreactRenderer(): Promise<Renderer> {
  const purpose = 'the Preact renderer';
  const { h } = await importPeer<PreactApi>('preact', 'preact', purpose);
  const { renderToString, renderToStringAsync } = await importPeer<PreactStringApi>('preact-render-to-string', 'preact-render-to-string', purpose);
  const { renderToReadableStream } = await importPeer<PreactStreamApi>('preact-render-to-string/stream', 'preact-render-to-string', purpose);
  return {
    name: 'preact',
    element: (type, props, children) => (children === undefined ? h(type, props) : h(type, props, children)),
    async stream(element) {
      try {
        return whole(renderToString(element));
      } catch {
        // It suspended (renderToString cannot wait) or failed: the streaming renderer tells which.
      }
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
