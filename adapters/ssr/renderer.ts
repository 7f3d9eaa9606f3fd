// The renderer-agnostic core talks to Preact or React only through this.
import type { RendererName } from './types.js';

export interface BodyStream {
  /** The whole body, when the renderer produced it in one piece (then next() yields just that). */
  readonly html?: string;
  /** The next piece of HTML, or undefined once the render is complete. */
  next(): Promise<string | Uint8Array | undefined>;
  /** Stops the render (the client left, or writing failed). */
  cancel(reason?: unknown): void;
}

export interface StreamOptions {
  /** Aborts the render. */
  signal: AbortSignal;
  /** Errors the renderer recovered from (a failed Suspense boundary the client will retry). */
  onRecoverableError(error: unknown): void;
}

export interface Renderer {
  readonly name: RendererName;
  /** createElement / h. */
  element(type: unknown, props: Record<string, unknown>, children?: unknown): unknown;
  /** Starts streaming `element`; resolves once its shell has rendered, rejects when the shell fails. */
  stream(element: unknown, options: StreamOptions): Promise<BodyStream>;
  /** The whole HTML once every Suspense boundary has resolved (prerendering, error pages). */
  toHtml(element: unknown): Promise<string>;
}

/** A web ReadableStream as a BodyStream, its first chunk read ahead so a failing shell rejects here. */
export async function readAhead(stream: ReadableStream<Uint8Array>): Promise<BodyStream> {
  const reader = stream.getReader();
  const first = await reader.read();
  let pending: Uint8Array | undefined = first.done ? undefined : first.value;
  let done = first.done;
  return {
    async next() {
      if (pending !== undefined) {
        const chunk = pending;
        pending = undefined;
        return chunk;
      }
      if (done) return undefined;
      const r = await reader.read();
      if (r.done) {
        done = true;
        return undefined;
      }
      return r.value;
    },
    cancel(reason) {
      done = true;
      pending = undefined;
      reader.cancel(reason).catch(() => {});
    },
  };
}

/** A body rendered whole, as a BodyStream of one piece. */
export function whole(html: string): BodyStream {
  let pending: string | undefined = html;
  return {
    html,
    async next() {
      const chunk = pending;
      pending = undefined;
      return chunk;
    },
    cancel() {
      pending = undefined;
    },
  };
}

/** Loads the renderer's packages; a missing one fails here, naming the package to install. */
export async function loadRenderer(name: RendererName): Promise<Renderer> {
  if (name === 'preact') return (await import('./renderers/preact.js')).createPreactRenderer();
  if (name === 'react') return (await import('./renderers/react.js')).createReactRenderer();
  throw new Error(`wirecore/ssr: unknown renderer ${JSON.stringify(name)} (use "preact" or "react")`);
}
