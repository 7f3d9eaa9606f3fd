// The PROXY header parser on its own: every prefix of a valid header asks for
// more, the whole header is read exactly, and bad ones are refused early.
import { describe, expect, it } from 'vitest';
import { encodeProxyHeader, parseProxyHeader } from 'wirecore/testing';

const cases = {
  'v1 TCP4': encodeProxyHeader({ version: 1, source: { address: '203.0.113.7', port: 40000 }, destination: { address: '10.0.0.1', port: 443 } }),
  'v1 TCP6': encodeProxyHeader({ version: 1, source: { address: '2001:db8::7', port: 40000 }, destination: { address: '2001:db8::1', port: 443 } }),
  'v2 TCP4': encodeProxyHeader({ version: 2, source: { address: '203.0.113.7', port: 40000 }, destination: { address: '10.0.0.1', port: 443 } }),
  'v2 TCP6': encodeProxyHeader({ version: 2, source: { address: '2001:db8::7', port: 40000 }, destination: { address: '2001:db8::1', port: 443 } }),
};

describe('parseProxyHeader', () => {
  for (const [name, bytes] of Object.entries(cases)) {
    it(`${name}: every prefix is incomplete, the whole is read, the rest is left`, () => {
      for (let n = 0; n < bytes.length; n++) expect(parseProxyHeader(bytes.subarray(0, n))).toBe('incomplete');
      const withRequest = Buffer.concat([bytes, Buffer.from('GET / HTTP/1.1\r\n\r\n')]);
      const header = parseProxyHeader(withRequest);
      expect(header).toMatchObject({ length: bytes.length, command: 'proxy', source: { port: 40000 }, destination: { port: 443 } });
      const source = (header as { source: { address: string } }).source.address;
      expect(source).toBe(name.endsWith('6') ? '2001:db8::7' : '203.0.113.7');
    });
  }

  it('v2 LOCAL has no addresses; v1 UNKNOWN neither', () => {
    expect(parseProxyHeader(encodeProxyHeader({ version: 2, local: true }))).toMatchObject({ command: 'local', length: 16, source: null });
    expect(parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'))).toMatchObject({ command: 'proxy', length: 15, source: null });
  });

  it('v4-mapped and zero runs are written as Node writes them', () => {
    const mapped = parseProxyHeader(encodeProxyHeader({ version: 2, source: { address: '::ffff:192.0.2.1', port: 1 }, destination: { address: '::1', port: 2 } }));
    expect(mapped).toMatchObject({ source: { address: '::ffff:192.0.2.1' }, destination: { address: '::1' } });
  });

  it('refuses malformed headers as soon as the bytes show it', () => {
    const error = (bytes: Buffer | string) => parseProxyHeader(Buffer.from(bytes as string, 'latin1'));
    expect(error('GET / HTTP/1.1\r\n')).toEqual({ error: expect.stringContaining('not a PROXY') });
    expect(error('PROXI')).toEqual({ error: expect.stringContaining('not a PROXY') });
    expect(error('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n')).toEqual({ error: expect.stringContaining('bare LF') });
    expect(error('PROXY TCP4 1.2.3.999 5.6.7.8 1 2\r\n')).toEqual({ error: expect.stringContaining('malformed') });
    expect(error('PROXY TCP4 1.2.3.4 5.6.7.8 1 65536\r\n')).toEqual({ error: expect.stringContaining('malformed') });
    expect(error('PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n')).toEqual({ error: expect.stringContaining('malformed') });
    expect(error(`PROXY TCP4 ${'1'.repeat(120)}`)).toEqual({ error: expect.stringContaining('longer than 107') });
    const v2 = Buffer.from(cases['v2 TCP4']);
    v2[12] = 0x31;
    expect(parseProxyHeader(v2)).toEqual({ error: expect.stringContaining('version 3') });
    v2[12] = 0x21;
    v2[13] = 0x41;
    expect(parseProxyHeader(v2)).toEqual({ error: expect.stringContaining('address family') });
    const huge = Buffer.from(cases['v2 TCP4']);
    huge.writeUInt16BE(60000, 14);
    expect(parseProxyHeader(huge.subarray(0, 16))).toEqual({ error: expect.stringContaining('more than') });
    const short = Buffer.from(cases['v2 TCP4'].subarray(0, 16));
    short.writeUInt16BE(4, 14);
    expect(parseProxyHeader(Buffer.concat([short, Buffer.alloc(4)]))).toEqual({ error: expect.stringContaining('too short') });
  });
});
