// Files from public/ (and the island bundles): indexed once, so a request
// path is looked up, never joined onto the file system; conditional
// requests, single byte ranges, and immutable caching for hashed names.
import { constants, promises as fs, readdirSync, realpathSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import type { ResponseWriter, WireRequest, Written } from 'wirecore';

export interface Asset {
  readonly file: string;
  readonly type: string;
  readonly immutable: boolean;
}

export interface AssetMount {
  /** URL prefix without a trailing slash ("" for the site root). */
  readonly prefix: string;
  readonly dir: string;
  /** Every file is content-hashed (true), or only names that look hashed ("hashed"). */
  readonly immutable: true | 'hashed';
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.wasm': 'application/wasm',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
};

export function contentType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** "app.3f9a1c2b.js", "logo-0e1f2a3b4c.png": eight or more hex digits (at least one a digit) before the extension. */
const HASHED = /[.-](?=[0-9a-f]*\d)[0-9a-f]{8,}\.[A-Za-z0-9]+$/;

/** Indexes every file under the mounts. Symlinks that lead out of their folder are left out; so are dotfiles but .well-known. */
export function indexAssets(mounts: readonly AssetMount[]): Map<string, Asset> {
  const index = new Map<string, Asset>();
  for (const mount of mounts) {
    let top: string;
    try {
      top = realpathSync(mount.dir);
    } catch {
      continue; // No such folder: nothing to serve from it.
    }
    const visited = new Set<string>();
    const walk = (dir: string, urlPath: string) => {
      if (visited.has(dir)) return;
      visited.add(dir);
      for (const name of readdirSync(dir)) {
        if (name.startsWith('.') && name !== '.well-known') continue;
        let real: string;
        try {
          real = realpathSync(join(dir, name));
        } catch {
          continue; // a broken link
        }
        if (!real.startsWith(top + sep)) continue;
        const stat = statSync(real);
        const url = `${urlPath}/${name}`;
        if (stat.isDirectory()) walk(real, url);
        else if (stat.isFile()) index.set(url, { file: real, type: contentType(name), immutable: mount.immutable === true || HASHED.test(name) });
      }
    };
    walk(top, mount.prefix);
  }
  return index;
}

const WHOLE_FILE_LIMIT = 1024 * 1024;
const STREAM_PIECE = 64 * 1024;

/** Answers GET/HEAD for an indexed file; `missing` answers when it has gone since indexing. */
export async function answerAsset(req: WireRequest, res: ResponseWriter, asset: Asset, missing: () => Written | Promise<Written>): Promise<Written> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return res.send({ status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, body: 'Method Not Allowed\n' });
  }
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(asset.file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return missing();
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return await missing();
    const size = stat.size;
    const etag = `"${size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    const lastModified = new Date(Math.floor(stat.mtimeMs / 1000) * 1000).toUTCString();
    const validators: Record<string, string> = {
      etag,
      'last-modified': lastModified,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (notModified(req, etag, stat.mtimeMs)) return res.send({ status: 304, headers: validators });
    const headers: Record<string, string> = { 'content-type': asset.type, 'accept-ranges': 'bytes', 'x-content-type-options': 'nosniff', ...validators };

    const rangeHeader = req.method === 'GET' ? req.headers.get('range') : undefined;
    if (rangeHeader !== undefined && rangeStillValid(req.headers.get('if-range'), etag, lastModified)) {
      const range = parseRange(rangeHeader, size);
      if (range === 'unsatisfiable') {
        return res.send({ status: 416, headers: { 'content-range': `bytes */${size}`, 'content-type': 'text/plain; charset=utf-8' }, body: 'Range Not Satisfiable\n' });
      }
      if (range !== undefined) {
        headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
        return await sendBytes(req, res, handle, 206, headers, range.start, range.end - range.start + 1);
      }
    }
    return await sendBytes(req, res, handle, 200, headers, 0, size);
  } finally {
    await handle.close();
  }
}

async function sendBytes(req: WireRequest, res: ResponseWriter, handle: fs.FileHandle, status: number, headers: Record<string, string>, start: number, length: number): Promise<Written> {
  if (length <= WHOLE_FILE_LIMIT) {
    const body = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(body, filled, length - filled, start + filled);
      if (bytesRead === 0) break; // the file shrank: send what it has
      filled += bytesRead;
    }
    return res.send({ status, headers, body: filled === length ? body : body.subarray(0, filled) });
  }
  // A large file streams with its length known, so it still goes out with Content-Length.
  res.startChunked(status, headers, { length });
  if (req.method === 'HEAD') return res.endChunked();
  let offset = start;
  const end = start + length;
  while (offset < end && !res.aborted) {
    const piece = Buffer.allocUnsafe(Math.min(STREAM_PIECE, end - offset));
    const { bytesRead } = await handle.read(piece, 0, piece.length, offset);
    if (bytesRead === 0) throw new Error(`wirecore/ssr: the file shrank while it was being sent`);
    offset += bytesRead;
    const wait = res.writeChunk(bytesRead === piece.length ? piece : piece.subarray(0, bytesRead));
    if (wait !== true) await wait;
  }
  return res.endChunked();
}

/** If-None-Match (weak comparison, "*" too), else If-Modified-Since (RFC 9110 §13.1.2–3). */
function notModified(req: WireRequest, etag: string, mtimeMs: number): boolean {
  const ifNoneMatch = req.headers.get('if-none-match');
  if (ifNoneMatch !== undefined) return etagListMatches(ifNoneMatch, etag);
  const since = req.headers.get('if-modified-since');
  if (since === undefined) return false;
  const at = Date.parse(since);
  return Number.isFinite(at) && Math.floor(mtimeMs / 1000) * 1000 <= at;
}

export function etagListMatches(list: string, etag: string): boolean {
  const opaque = etag.replace(/^W\//, '');
  for (const item of list.split(',')) {
    const tag = item.trim();
    if (tag === '*' || tag.replace(/^W\//, '') === opaque) return true;
  }
  return false;
}

/** If-Range: a strong entity-tag match, or the exact Last-Modified date (RFC 9110 §13.1.5). */
function rangeStillValid(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  return Date.parse(value) === Date.parse(lastModified);
}

/**
 * One byte range of `size` bytes (RFC 9110 §14.1.2): its bounds, "unsatisfiable",
 * or undefined when the header is to be ignored (another unit, bad syntax, several ranges).
 */
export function parseRange(header: string, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return undefined;
  const specs = match[1]!.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (specs.length !== 1) return undefined;
  const spec = /^(\d*)-(\d*)$/.exec(specs[0]!);
  if (!spec) return undefined;
  const [, first, last] = spec;
  if (first === '' && last === '') return undefined;
  const a = first === '' ? undefined : Number(first);
  const b = last === '' ? undefined : Number(last);
  if ((a !== undefined && !Number.isSafeInteger(a)) || (b !== undefined && !Number.isSafeInteger(b))) return undefined;
  if (a === undefined) {
    if (b === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - b!), end: size - 1 };
  }
  if (b !== undefined && b < a) return undefined;
  if (a >= size) return 'unsatisfiable';
  return { start: a, end: b === undefined ? size - 1 : Math.min(b, size - 1) };
}
