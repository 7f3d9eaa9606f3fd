// The one place that knows which uWebSockets.js build wirecore uses, so it
// can be swapped. It is an optional dependency: if it cannot load,
// runtime 'uws' fails at start-up saying why.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TlsOptions } from '../types.js';

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
}

export interface UwsRequest {
  getHeader(lowerCaseName: string): string;
  getUrl(): string;
  getQuery(): string;
  getCaseSensitiveMethod(): string;
  forEach(cb: (name: string, value: string) => void): void;
}

export interface UwsApp {
  any(pattern: string, handler: (res: UwsResponse, req: UwsRequest) => void): UwsApp;
  listen(host: string, port: number, cb: (listenSocket: unknown) => void): UwsApp;
}

interface UwsModule {
  App(): UwsApp;
  SSLApp(options: { key_file_name: string; cert_file_name: string; passphrase?: string; ca_file_name?: string }): UwsApp;
  us_listen_socket_close(listenSocket: unknown): void;
  us_socket_local_port(listenSocket: unknown): number;
}

export interface LoadedUws extends UwsModule {
  tlsFiles(tls: TlsOptions): Promise<{ key_file_name: string; cert_file_name: string; passphrase?: string; ca_file_name?: string }>;
}

let loaded: LoadedUws | null = null;

/** uWS reads its header-size limit from the environment once, when it loads. */
export function loadUws(maxHeaderBytes: number): LoadedUws {
  if (loaded !== null) return loaded;
  process.env.UWS_HTTP_MAX_HEADERS_SIZE ??= String(maxHeaderBytes);
  let module: UwsModule;
  try {
    module = createRequire(import.meta.url)(UWS_PACKAGE) as UwsModule;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(
      `wirecore: runtime 'uws' needs the optional dependency ${UWS_PACKAGE} (uWebSockets.js v20.30), which could not load: ${reason}. ` +
        `Use runtime: 'net' (the default) or 'node-http' instead.`,
    );
  }
  loaded = {
    ...module,
    App: module.App,
    SSLApp: module.SSLApp,
    us_listen_socket_close: module.us_listen_socket_close,
    us_socket_local_port: module.us_socket_local_port,
    async tlsFiles(tls) {
      // uWS takes key and certificate as file names, not bytes.
      const dir = await mkdtemp(join(tmpdir(), 'wirecore-uws-tls-'));
      const write = async (name: string, data: string | Buffer) => {
        const path = join(dir, name);
        await writeFile(path, data, { mode: 0o600 });
        return path;
      };
      return {
        key_file_name: await write('key.pem', tls.key),
        cert_file_name: await write('cert.pem', tls.cert),
        ...(tls.ca ? { ca_file_name: await write('ca.pem', tls.ca) } : {}),
        ...(tls.passphrase ? { passphrase: tls.passphrase } : {}),
      };
    },
  };
  return loaded;
}
