import type { TlsOptions } from '../types.js';
import type { ServerCore } from './core.js';
import type { Listening } from './listening.js';

export async function listenUws(_core: ServerCore<unknown>, _host: string, _port: number, _tls: TlsOptions | undefined): Promise<Listening> {
  throw new Error('not yet');
}
