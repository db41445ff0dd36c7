// The bench's OCI client: push (monolithic and chunked), pull, and a small image push, over
// node:http with a keep-alive agent. Large bodies are never materialised: they are streamed with
// backpressure from one pre-filled random pattern buffer, and their digests come from a hash of
// the shared prefix computed once (see BlobSource).
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { Agent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const MANIFEST_ACCEPT = `${OCI_MANIFEST}, ${DOCKER_MANIFEST}`;

export interface Target {
  readonly baseUrl: string;
  readonly authorization: string;
  readonly agent: Agent;
}

export function makeTarget(baseUrl: string, authorization: string): Target {
  return { baseUrl, authorization, agent: new Agent({ keepAlive: true, maxSockets: 64 }) };
}

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class HttpStatusError extends Error {
  constructor(what: string, readonly status: number, body: Buffer) {
    super(`${what}: HTTP ${status} ${body.subarray(0, 300).toString('utf8').replace(/\s+/g, ' ').trim()}`);
  }
}

/** Path + query of a Location header (absolute or relative), resolved against the target. */
export function resolveLocation(t: Target, location: string | undefined, what: string): URL {
  if (!location) throw new Error(`${what}: response has no Location header`);
  return new URL(location, t.baseUrl);
}

function withDigest(url: URL, digest: string): string {
  const u = new URL(url);
  u.searchParams.set('digest', digest);
  return u.pathname + u.search;
}

interface RequestSpec {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Streamed body; contentLength must be given with it. */
  stream?: Iterable<Buffer>;
  contentLength?: number;
  /** Consume the response body through this hasher instead of buffering it. */
  sink?: Hash;
}

/** One HTTP request; buffers the response body unless a sink is given. */
export async function send(t: Target, spec: RequestSpec): Promise<Response & { bytes: number }> {
  const headers: Record<string, string> = { Authorization: t.authorization, ...spec.headers };
  const length = spec.body ? spec.body.length : spec.contentLength ?? 0;
  if (spec.body || spec.stream || spec.method === 'PUT' || spec.method === 'PATCH' || spec.method === 'POST') {
    headers['Content-Length'] = String(length);
  }
  const req = httpRequest(new URL(spec.path, t.baseUrl), { method: spec.method, headers, agent: t.agent });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  if (spec.stream) {
    let written = 0;
    for (const piece of spec.stream) {
      written += piece.length;
      if (!req.write(piece)) {
        // Either the socket drained or the server answered early (an error): stop writing then.
        const winner = await Promise.race([once(req, 'drain').then(() => 'drain'), response.then(() => 'response')]);
        if (winner === 'response') break;
      }
    }
    if (written < length) {
      // Early answer from the server: let the response explain it.
      const res = await response;
      const body = await readAll(res);
      req.destroy();
      throw new HttpStatusError(`${spec.method} ${spec.path} (answered after ${written} of ${length} bytes)`, res.statusCode ?? 0, body);
    }
    req.end();
  } else {
    req.end(spec.body);
  }
  const res = await response;
  if (spec.sink) {
    const sink = spec.sink;
    let bytes = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      sink.update(chunk);
      bytes += chunk.length;
    }
    return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0), bytes };
  }
  const body = await readAll(res);
  return { status: res.statusCode ?? 0, headers: res.headers, body, bytes: body.length };
}

async function readAll(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function expect(res: Response, status: number | number[], what: string): void {
  const ok = Array.isArray(status) ? status.includes(res.status) : res.status === status;
  if (!ok) throw new HttpStatusError(what, res.status, res.body);
}

export function sha256(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

// ---- large blobs ---------------------------------------------------------------------------

const TAIL_BYTES = 16;
const WRITE_PIECE = 1 << 20;

export interface LargeBlob {
  readonly size: number;
  readonly digest: string;
  /** The unique last bytes that make every blob distinct. */
  readonly tail: Buffer;
}

/**
 * Virtual blobs of `size` bytes: the random pattern repeated, then a 16-byte random tail. The
 * pattern prefix is hashed once; each blob's digest is a copy of that hash state plus its tail,
 * so every push sends fresh content (no server can skip it as already stored) at no client cost.
 */
export class BlobSource {
  private readonly prefixHash: Hash;

  constructor(private readonly pattern: Buffer, readonly size: number) {
    if (size <= TAIL_BYTES) throw new Error('blob size too small');
    if (pattern.length % WRITE_PIECE !== 0) throw new Error('pattern must be a whole number of MiB');
    this.prefixHash = createHash('sha256');
    for (const piece of this.pieces(0, size - TAIL_BYTES, Buffer.alloc(0))) this.prefixHash.update(piece);
  }

  newBlob(): LargeBlob {
    const tail = randomBytes(TAIL_BYTES);
    const digest = 'sha256:' + this.prefixHash.copy().update(tail).digest('hex');
    return { size: this.size, digest, tail };
  }

  /** The bytes [start, end) of a blob, as views of the pattern (and of the tail at the end). */
  *range(blob: LargeBlob, start: number, end: number): Generator<Buffer> {
    yield* this.pieces(start, end, blob.tail);
  }

  private *pieces(start: number, end: number, tail: Buffer): Generator<Buffer> {
    const prefixEnd = this.size - TAIL_BYTES;
    let pos = start;
    while (pos < end && pos < prefixEnd) {
      const offset = pos % this.pattern.length;
      const n = Math.min(WRITE_PIECE - (offset % WRITE_PIECE), end - pos, prefixEnd - pos);
      yield this.pattern.subarray(offset, offset + n);
      pos += n;
    }
    if (pos < end && tail.length > 0) yield tail.subarray(pos - prefixEnd, end - prefixEnd);
  }
}

async function startUpload(t: Target, repo: string): Promise<URL> {
  const what = `POST /v2/${repo}/blobs/uploads/`;
  const res = await send(t, { method: 'POST', path: `/v2/${repo}/blobs/uploads/` });
  expect(res, 202, what);
  return resolveLocation(t, header(res.headers, 'location'), what);
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** POST, then one streamed PUT ?digest= with the whole body. Returns elapsed seconds. */
export async function pushMonolithic(t: Target, repo: string, source: BlobSource, blob: LargeBlob): Promise<number> {
  const t0 = performance.now();
  const location = await startUpload(t, repo);
  const path = withDigest(location, blob.digest);
  const res = await send(t, {
    method: 'PUT',
    path,
    headers: { 'Content-Type': 'application/octet-stream' },
    stream: source.range(blob, 0, blob.size),
    contentLength: blob.size,
  });
  expect(res, 201, `PUT ${location.pathname}?digest=`);
  checkDigestHeader(res, blob.digest, 'monolithic push');
  return (performance.now() - t0) / 1000;
}

/** POST, PATCH chunks with Content-Range following Location, then PUT ?digest= with no body. */
export async function pushChunked(
  t: Target,
  repo: string,
  source: BlobSource,
  blob: LargeBlob,
  chunkSize: number,
): Promise<number> {
  const t0 = performance.now();
  let location = await startUpload(t, repo);
  for (let start = 0; start < blob.size; start += chunkSize) {
    const end = Math.min(blob.size, start + chunkSize);
    const what = `PATCH ${location.pathname} ${start}-${end - 1}`;
    const res = await send(t, {
      method: 'PATCH',
      path: location.pathname + location.search,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${start}-${end - 1}` },
      stream: source.range(blob, start, end),
      contentLength: end - start,
    });
    expect(res, 202, what);
    location = resolveLocation(t, header(res.headers, 'location'), what);
  }
  const res = await send(t, { method: 'PUT', path: withDigest(location, blob.digest) });
  expect(res, 201, `PUT ${location.pathname}?digest= (after chunks)`);
  checkDigestHeader(res, blob.digest, 'chunked push');
  return (performance.now() - t0) / 1000;
}

function checkDigestHeader(res: Response, digest: string, what: string): void {
  const got = header(res.headers, 'docker-content-digest');
  if (got !== undefined && got !== digest) throw new Error(`${what}: Docker-Content-Digest ${got}, expected ${digest}`);
}

/** GET the blob, hashing the body; throws unless size and digest match. Returns elapsed seconds. */
export async function pullBlob(t: Target, repo: string, blob: LargeBlob): Promise<number> {
  const t0 = performance.now();
  const hash = createHash('sha256');
  const res = await send(t, { method: 'GET', path: `/v2/${repo}/blobs/${blob.digest}`, sink: hash });
  const seconds = (performance.now() - t0) / 1000;
  if (res.status !== 200) throw new Error(`GET blob: HTTP ${res.status}`);
  if (res.bytes !== blob.size) throw new Error(`GET blob: ${res.bytes} bytes, expected ${blob.size}`);
  const digest = 'sha256:' + hash.digest('hex');
  if (digest !== blob.digest) throw new Error(`GET blob: body digest ${digest}, expected ${blob.digest}`);
  return seconds;
}

// ---- small content -------------------------------------------------------------------------

/** POST + PUT ?digest= of an in-memory blob. */
export async function pushSmallBlob(t: Target, repo: string, data: Buffer): Promise<string> {
  const digest = sha256(data);
  const location = await startUpload(t, repo);
  const res = await send(t, {
    method: 'PUT',
    path: withDigest(location, digest),
    headers: { 'Content-Type': 'application/octet-stream' },
    body: data,
  });
  expect(res, 201, `PUT small blob ${digest}`);
  return digest;
}

export interface PushedImage {
  repo: string;
  tag: string;
  digest: string;
  manifest: Buffer;
}

/** Pushes a small config + layer + OCI image manifest under `tag` and checks it reads back. */
export async function pushImage(t: Target, repo: string, tag: string): Promise<PushedImage> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: [sha256(randomBytes(32))] },
    }),
  );
  const layer = randomBytes(4096);
  const configDigest = await pushSmallBlob(t, repo, config);
  const layerDigest = await pushSmallBlob(t, repo, layer);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
      layers: [{ mediaType: OCI_LAYER, digest: layerDigest, size: layer.length }],
    }),
  );
  const digest = sha256(manifest);
  const put = await send(t, {
    method: 'PUT',
    path: `/v2/${repo}/manifests/${tag}`,
    headers: { 'Content-Type': OCI_MANIFEST },
    body: manifest,
  });
  expect(put, 201, `PUT manifest ${repo}:${tag}`);

  const head = await send(t, { method: 'HEAD', path: `/v2/${repo}/manifests/${tag}`, headers: { Accept: MANIFEST_ACCEPT } });
  expect(head, 200, `HEAD manifest ${repo}:${tag}`);
  if (header(head.headers, 'docker-content-digest') !== digest) {
    throw new Error(`HEAD manifest: Docker-Content-Digest ${header(head.headers, 'docker-content-digest')}, expected ${digest}`);
  }
  const get = await send(t, { method: 'GET', path: `/v2/${repo}/manifests/${tag}`, headers: { Accept: MANIFEST_ACCEPT } });
  expect(get, 200, `GET manifest ${repo}:${tag}`);
  if (!get.body.equals(manifest)) throw new Error('GET manifest: body differs from the pushed bytes');
  return { repo, tag, digest, manifest };
}
