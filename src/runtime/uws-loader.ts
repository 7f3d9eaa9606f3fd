// The one place that knows which uWebSockets.js build wirecore uses, so it
// can be swapped. It is an optional peer dependency: if it is missing, or
// has no native build for this Node, runtime 'uws' fails at start-up saying
// why. Its pure-JS fallback is never used: it starts, then fails on the
// first request.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OptionError } from '../errors.js';
import type { TlsOptions } from '../types.js';
import type { UwsWebSocket } from '../websocket/uws-codec.js';

export const UWS_PACKAGE = '@trufflesuite/uws-js-unofficial';

export interface UwsResponse {
  writeStatus(status: string): UwsResponse;
  writeHeader(name: string, value: string): UwsResponse;
  write(chunk: string | Uint8Array): boolean;
  end(body?: string | Uint8Array, closeConnection?: boolean): UwsResponse;
  endWithoutBody(reportedContentLength?: number, closeConnection?: boolean): UwsResponse;
  tryEnd(chunk: string | Uint8Array, totalSize: number): [boolean, boolean];
  getWriteOffset(): number;
  close(): UwsResponse;
  cork(cb: () => void): UwsResponse;
  pause(): void;
  resume(): void;
  onWritable(handler: (offset: number) => boolean): UwsResponse;
  onAborted(handler: () => void): UwsResponse;
  onData(handler: (chunk: ArrayBuffer, isLast: boolean) => void): UwsResponse;
  getRemoteAddressAsText(): ArrayBuffer;
  upgrade(userData: unknown, secWebSocketKey: string, secWebSocketProtocol: string, secWebSocketExtensions: string, context: unknown): void;
  /** The source a PROXY v2 header named (uWS reads v2 itself), or empty. */
  getProxiedRemoteAddressAsText(): ArrayBuffer;
}

export interface UwsRequest {
  getHeader(lowerCaseName: string): string;
  getUrl(): string;
  getQuery(): string;
  getCaseSensitiveMethod(): string;
  forEach(cb: (name: string, value: string) => void): void;
}

/** The subset of uWS's WebSocketBehavior wirecore sets. */
export interface UwsWebSocketBehavior {
  maxPayloadLength: number;
  idleTimeout: number;
  sendPingsAutomatically: boolean;
  compression: number;
  maxBackpressure: number;
  closeOnBackpressureLimit: boolean;
  upgrade(res: UwsResponse, req: UwsRequest, context: unknown): void;
  open(ws: UwsWebSocket): void;
  message(ws: UwsWebSocket, message: ArrayBuffer, isBinary: boolean): void;
  drain(ws: UwsWebSocket): void;
  close(ws: UwsWebSocket, code: number, message: ArrayBuffer): void;
  ping(ws: UwsWebSocket, message: ArrayBuffer): void;
  pong(ws: UwsWebSocket, message: ArrayBuffer): void;
}

export interface UwsApp {
  any(pattern: string, handler: (res: UwsResponse, req: UwsRequest) => void): UwsApp;
  ws(pattern: string, behavior: UwsWebSocketBehavior): UwsApp;
  publish(topic: string, message: string | Uint8Array, isBinary?: boolean, compress?: boolean): boolean;
  listen(host: string, port: number, cb: (listenSocket: unknown) => void): UwsApp;
}

interface TlsFiles {
  key_file_name: string;
  cert_file_name: string;
  passphrase?: string;
  ca_file_name?: string;
}

interface UwsModule {
  App(): UwsApp;
  SSLApp(options: TlsFiles): UwsApp;
  us_listen_socket_close(listenSocket: unknown): void;
  us_socket_local_port(listenSocket: unknown): number;
  DISABLED: number;
  SHARED_COMPRESSOR: number;
  SHARED_DECOMPRESSOR: number;
}

export interface LoadedUws extends UwsModule {
  /** The header limit uWS was loaded with (it reads it once per process). */
  readonly headerLimit: number;
  /** An SSLApp from key and certificate bytes; the files uWS needs exist only while it reads them. */
  sslApp(tls: TlsOptions): UwsApp;
}

let loaded: LoadedUws | null = null;

function unavailable(reason: string): OptionError {
  return new OptionError(`runtime 'uws' needs ${UWS_PACKAGE} (uWebSockets.js v20.30, an optional peer dependency): ${reason}. Use runtime 'net' (the default) or 'node-http' instead.`);
}

/** The native addon for this platform and Node ABI, or a start-up error saying which build is missing. */
function loadNative(): UwsModule {
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    root = dirname(require.resolve(`${UWS_PACKAGE}/package.json`));
  } catch {
    throw unavailable(`it is not installed (npm install ${UWS_PACKAGE})`);
  }
  const build = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  try {
    return require(join(root, 'binaries', build)) as UwsModule;
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw unavailable(`it has no working native build ${build} for Node ${process.version} (${why})`);
  }
}

/** uWS reads its header-size limit from the environment once, when it loads. */
export function loadUws(headerLimit: number): LoadedUws {
  if (loaded !== null) return loaded;
  process.env.UWS_HTTP_MAX_HEADERS_SIZE = String(headerLimit);
  const module = loadNative();
  loaded = {
    App: module.App,
    SSLApp: module.SSLApp,
    us_listen_socket_close: module.us_listen_socket_close,
    us_socket_local_port: module.us_socket_local_port,
    DISABLED: module.DISABLED,
    SHARED_COMPRESSOR: module.SHARED_COMPRESSOR,
    SHARED_DECOMPRESSOR: module.SHARED_DECOMPRESSOR,
    headerLimit,
    sslApp(tls) {
      // uWS takes key and certificate as file names: they live in a private folder only while SSLApp reads them.
      const dir = mkdtempSync(join(tmpdir(), 'wirecore-uws-tls-'));
      try {
        const write = (name: string, data: string | Buffer) => {
          const path = join(dir, name);
          writeFileSync(path, data, { mode: 0o600 });
          return path;
        };
        return module.SSLApp({
          key_file_name: write('key.pem', tls.key),
          cert_file_name: write('cert.pem', tls.cert),
          ...(tls.ca ? { ca_file_name: write('ca.pem', tls.ca) } : {}),
          ...(tls.passphrase ? { passphrase: tls.passphrase } : {}),
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return loaded;
}
