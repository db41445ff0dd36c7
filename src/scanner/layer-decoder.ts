import { Readable, type Duplex } from 'node:stream';
import * as zlib from 'node:zlib';

/**
 * How a layer blob is decoded into a tar stream. The magic bytes decide (gzip `1f 8b`, zstd
 * `28 b5 2f fd`, anything else is read as tar), so a layer whose media type says `+gzip` but
 * was pushed uncompressed still reads; the media type only decides whether the blob is a
 * filesystem layer at all, and a mismatch is reported.
 *
 * zstd: node:zlib's `createZstdDecompress` (Node ≥ 22.15), else the optional `zstd-napi`
 * package if it is installed, else the layer is left out with a reason. Never buffered.
 */

export type Compression = 'gzip' | 'zstd' | 'none';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const LAYER_PREFIXES = ['application/vnd.oci.image.layer.', 'application/vnd.docker.image.rootfs.'];

/** Why a media type is not a filesystem layer we read, or undefined when it is one. */
export function unreadableMediaType(mediaType: string): string | undefined {
  if (!LAYER_PREFIXES.some((p) => mediaType.startsWith(p))) return `media type ${mediaType || '(none)'} is not an image layer`;
  if (mediaType.includes('+encrypted')) return `media type ${mediaType} is encrypted`;
  return undefined;
}

export function declaredCompression(mediaType: string): Compression {
  if (/(?:\+|\.)gzip$/.test(mediaType)) return 'gzip';
  if (/\+zstd$/.test(mediaType)) return 'zstd';
  return 'none';
}

export function sniffCompression(head: Buffer): Compression {
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) return 'gzip';
  if (head.subarray(0, 4).equals(ZSTD_MAGIC)) return 'zstd';
  return 'none';
}

/**
 * The first `n` bytes of a stream, and a stream that still yields all of it. Reads through the
 * stream's async iterator, so nothing is consumed that the returned stream does not replay,
 * and destroying the returned stream destroys the source.
 */
export async function peek(source: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      while (!done) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await it.return?.();
    }
  }
  return { head, stream: Readable.from(replay(), { objectMode: false }) };
}

type ZstdFactory = () => Duplex;

let zstdFactory: Promise<ZstdFactory | undefined> | undefined;

async function loadZstd(): Promise<ZstdFactory | undefined> {
  const native = (zlib as unknown as { createZstdDecompress?: () => Duplex }).createZstdDecompress;
  if (typeof native === 'function') return () => native();
  const optional = 'zstd-napi'; // not a dependency; used when an operator installs it on Node < 22.15
  try {
    const mod = (await import(optional)) as { DecompressStream?: new () => Duplex };
    const Ctor = mod.DecompressStream;
    return Ctor ? () => new Ctor() : undefined;
  } catch {
    return undefined;
  }
}

/** A decompressing transform for `compression`, undefined for plain tar, or a reason it cannot be decoded here. */
export async function decoderFor(compression: Compression): Promise<{ decoder?: Duplex } | { unsupported: string }> {
  if (compression === 'none') return {};
  if (compression === 'gzip') return { decoder: zlib.createGunzip() };
  zstdFactory ??= loadZstd();
  const factory = await zstdFactory;
  if (!factory) {
    return { unsupported: `zstd is not supported on Node ${process.versions.node} (needs Node >= 22.15 or the zstd-napi package)` };
  }
  return { decoder: factory() };
}
