// A minimal keep-alive HTTP/1.1 client connection for the request/s loops: requests are
// pre-serialised buffers, responses are parsed just enough (status, Content-Length or chunked
// body, a few headers). One request in flight per connection, no pipelining. It exists because
// the loops must not be client-bound on a 2-core machine: node:http costs ~2-4x its CPU per request
// and autocannon ~1.4x, and autocannon's parser never completes a HEAD response that carries
// Content-Length (it waits for a body).
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  /** Lower-case header names; only the last value of a repeated header is kept. */
  headers: Map<string, string>;
  body: Buffer;
}

interface Pending {
  head: boolean;
  resolve: (r: RawResponse) => void;
  reject: (e: Error) => void;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);

export class RawConnection {
  private socket: Socket | undefined;
  private buf: Buffer = EMPTY;
  private pending: Pending | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Serialises a request; Content-Length is added for bodies (and for POST/PUT/PATCH). */
  static build(method: string, path: string, host: string, headers: Record<string, string>, body?: Buffer): Buffer {
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    if (body || method === 'POST' || method === 'PUT' || method === 'PATCH') head += `Content-Length: ${body ? body.length : 0}\r\n`;
    head += '\r\n';
    const h = Buffer.from(head, 'latin1');
    return body && body.length > 0 ? Buffer.concat([h, body]) : h;
  }

  request(bytes: Buffer, head = false): Promise<RawResponse> {
    if (this.pending) return Promise.reject(new Error('request already in flight'));
    return new Promise<RawResponse>((resolve, reject) => {
      this.pending = { head, resolve, reject };
      this.ensureSocket().write(bytes);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private ensureSocket(): Socket {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    this.buf = EMPTY;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (err?: Error): void => {
      if (this.socket === socket) this.socket = undefined;
      const p = this.pending;
      this.pending = undefined;
      p?.reject(err ?? new Error('connection closed'));
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
    this.socket = socket;
    return socket;
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const p = this.pending;
    if (!p) return;
    let parsed: { response: RawResponse; used: number; close: boolean } | undefined;
    try {
      parsed = parse(this.buf, p.head);
    } catch (err) {
      this.pending = undefined;
      this.close();
      p.reject(err as Error);
      return;
    }
    if (!parsed) return;
    this.buf = parsed.used === this.buf.length ? EMPTY : this.buf.subarray(parsed.used);
    this.pending = undefined;
    if (parsed.close) this.close();
    p.resolve(parsed.response);
  }
}

/** Parses one complete response from the start of buf, or returns undefined if incomplete. */
function parse(buf: Buffer, head: boolean): { response: RawResponse; used: number; close: boolean } | undefined {
  const headerEnd = buf.indexOf(CRLFCRLF);
  if (headerEnd < 0) return undefined;
  const lines = buf.toString('latin1', 0, headerEnd).split('\r\n');
  const statusLine = lines[0] ?? '';
  if (!statusLine.startsWith('HTTP/1.')) throw new Error(`bad status line: ${statusLine.slice(0, 80)}`);
  const status = Number.parseInt(statusLine.slice(9, 12), 10);
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const close = (headers.get('connection') ?? '').toLowerCase() === 'close';
  const bodyStart = headerEnd + 4;
  if (head || status === 204 || status === 304 || (status >= 100 && status < 200)) {
    return { response: { status, headers, body: EMPTY }, used: bodyStart, close };
  }
  if ((headers.get('transfer-encoding') ?? '').toLowerCase().includes('chunked')) {
    const parts: Buffer[] = [];
    let pos = bodyStart;
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', pos, 'latin1');
      if (lineEnd < 0) return undefined;
      const size = Number.parseInt(buf.toString('latin1', pos, lineEnd), 16);
      if (!Number.isFinite(size)) throw new Error('bad chunk size');
      if (size === 0) {
        const end = buf.indexOf(CRLFCRLF, lineEnd);
        if (end < 0) return undefined; // trailers not complete yet
        return { response: { status, headers, body: Buffer.concat(parts) }, used: end + 4, close };
      }
      if (buf.length < lineEnd + 2 + size + 2) return undefined;
      parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
      pos = lineEnd + 2 + size + 2;
    }
  }
  const lengthHeader = headers.get('content-length');
  if (lengthHeader === undefined) throw new Error(`response without Content-Length or chunked encoding (status ${status})`);
  const length = Number.parseInt(lengthHeader, 10);
  if (buf.length < bodyStart + length) return undefined;
  return { response: { status, headers, body: buf.subarray(bodyStart, bodyStart + length) }, used: bodyStart + length, close };
}
