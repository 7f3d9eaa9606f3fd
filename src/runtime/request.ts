// The WireRequest handed to dispatch. Headers view, path, query and the
// abort signal are made only when asked for.
import { resolveClient } from '../proxy/forwarded.js';
import type { TrustFn } from '../proxy/trust.js';
import type { ClientInfo, ProxyPeer, RequestBody, WireHeaders, WireRequest } from '../types.js';
import { WireHeadersImpl } from './headers.js';

export interface PeerInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The connection is TLS. */
  readonly secure?: boolean;
  /** The balancer, when the connection began with a PROXY protocol header. */
  readonly proxy?: ProxyPeer | null;
}

export class WireRequestImpl implements WireRequest {
  private cachedHeaders: WireHeaders | null = null;
  private cachedPath: string | undefined;
  private controller: AbortController | null = null;
  private gone = false;
  /** Set by the consumer that routed the request (see WireRequest.route). */
  route: string | undefined = undefined;
  private cachedClient: ClientInfo | null = null;

  constructor(
    readonly method: string,
    readonly target: string,
    readonly httpVersion: '1.0' | '1.1',
    /** The parsed head (or anything with its fields): read only when a handler asks for headers. */
    private readonly fieldSource: { readonly headers: readonly string[] },
    readonly keepAlive: boolean,
    readonly body: RequestBody,
    private readonly peer: PeerInfo,
    private readonly trust: TrustFn | null = null,
  ) {}

  get headers(): WireHeaders {
    return (this.cachedHeaders ??= new WireHeadersImpl(this.fieldSource.headers));
  }

  get remoteAddress(): string {
    return this.peer.remoteAddress;
  }

  get remotePort(): number {
    return this.peer.remotePort;
  }

  get secure(): boolean {
    return this.peer.secure === true;
  }

  /** Whether forwarding headers can change `client` (options.trustProxy is set). */
  get trustsForwarding(): boolean {
    return this.trust !== null;
  }

  get client(): ClientInfo {
    return (this.cachedClient ??= resolveClient(this.peer.remoteAddress, this.peer.secure === true, this.headers, this.trust));
  }

  get proxy(): ProxyPeer | null {
    return this.peer.proxy ?? null;
  }

  get path(): string {
    return (this.cachedPath ??= pathOf(this.target));
  }

  get query(): string {
    const q = this.target.indexOf('?');
    return q === -1 ? '' : this.target.slice(q + 1);
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.gone) this.controller.abort();
    }
    return this.controller.signal;
  }

  /** The peer left before the response finished. */
  abort(): void {
    if (this.gone) return;
    this.gone = true;
    this.controller?.abort();
  }
}

/** Path of a request-target without building a request (for tryStatic). */
export function pathOf(target: string): string {
  const q = target.indexOf('?');
  if (target.charCodeAt(0) === 0x2f) return q === -1 ? target : target.slice(0, q);
  const scheme = target.indexOf('://');
  if (scheme === -1) return q === -1 ? target : target.slice(0, q);
  const slash = target.indexOf('/', scheme + 3);
  if (slash === -1 || (q !== -1 && q < slash)) return '/';
  return q === -1 ? target.slice(slash) : target.slice(slash, q);
}
