// React 19 with react-dom/server's web-stream renderer: resolves at the
// shell, Suspense boundaries stream after it.
// Typed here rather than with @types/react-dom, whose types need the DOM lib.
import { importPeer } from '../peer.js';
import { readAhead, type Renderer } from '../renderer.js';

interface ReactApi {
  createElement(type: unknown, props: Record<string, unknown> | null, ...children: unknown[]): unknown;
}
interface ReactServerApi {
  renderToReadableStream(element: unknown, options: { signal?: AbortSignal; onError?: (error: unknown) => void }): Promise<ReadableStream<Uint8Array> & { allReady: Promise<void> }>;
}
interface ReactStaticApi {
  prerender(element: unknown, options: { onError?: (error: unknown) => void }): Promise<{ prelude: ReadableStream<Uint8Array> }>;
}

export async function createReactRenderer(): Promise<Renderer> {
  const purpose = 'the React renderer';
  const { createElement } = await importPeer<ReactApi>('react', 'react', purpose);
  const server = await importPeer<ReactServerApi>('react-dom/server', 'react-dom', purpose);
  const staticApi = await importPeer<ReactStaticApi>('react-dom/static', 'react-dom', purpose);
  return {
    name: 'react',
    element: (type, props, children) => (children === undefined ? createElement(type, props) : createElement(type, props, children)),
    async stream(element, options) {
      // A shell error rejects renderToReadableStream itself; the others are recovered on the client.
      let early: unknown[] | undefined = [];
      const stream = await server.renderToReadableStream(element, {
        signal: options.signal,
        onError(error) {
          if (early === undefined) options.onRecoverableError(error);
          else early.push(error);
        },
      });
      for (const error of early) options.onRecoverableError(error);
      early = undefined;
      stream.allReady.catch(() => {});
      return readAhead(stream);
    },
    async toHtml(element) {
      const { prelude } = await staticApi.prerender(element, { onError: () => {} });
      return new Response(prelude).text();
    },
  };
}
