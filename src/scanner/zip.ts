import { inflateRawSync } from 'node:zlib';

/**
 * A minimal reader for zip archives held in memory (jar, war, ear): the central directory, and
 * entries stored (method 0) or deflated (method 8). Enough for reading Java archives' metadata;
 * no zip64 (refused with a ZipError, as are encrypted entries and other methods), no
 * multi-disk archives.
 *
 * Offsets are taken relative to where the central directory actually sits, so archives with
 * bytes prepended (Spring Boot's executable jars carry a launch script) still read.
 */

export class ZipError extends Error {
  override readonly name = 'ZipError';
}

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly encrypted: boolean;
  /** Offset of the local file header, already adjusted for prepended bytes. */
  readonly localOffset: number;
}

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;
const LFH_SIG = 0x04034b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;

function findEocd(buf: Buffer): number {
  const floor = Math.max(0, buf.length - EOCD_MIN - MAX_COMMENT);
  for (let i = buf.length - EOCD_MIN; i >= floor; i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG && i + EOCD_MIN + buf.readUInt16LE(i + 20) <= buf.length) return i;
  }
  return -1;
}

/** The archive's entries in central-directory order. Throws ZipError when it is not a zip we read. */
export function readZipEntries(buf: Buffer): ZipEntry[] {
  if (buf.length < EOCD_MIN) throw new ZipError('not a zip archive (too short)');
  const eocd = findEocd(buf);
  if (eocd < 0) throw new ZipError('not a zip archive (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if ((eocd >= 20 && buf.readUInt32LE(eocd - 20) === ZIP64_LOCATOR_SIG) || count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new ZipError('zip64 archives are not supported');
  }
  const cdStart = eocd - cdSize;
  if (cdStart < 0) throw new ZipError('corrupt zip: central directory out of range');
  const shift = cdStart - cdOffset; // bytes prepended to the archive
  const entries: ZipEntry[] = [];
  let at = cdStart;
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || buf.readUInt32LE(at) !== CDH_SIG) throw new ZipError('corrupt zip: bad central directory entry');
    const flags = buf.readUInt16LE(at + 8);
    const method = buf.readUInt16LE(at + 10);
    const compressedSize = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const localOffset = buf.readUInt32LE(at + 42);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) {
      throw new ZipError('zip64 archives are not supported');
    }
    const name = buf.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLen);
    entries.push({ name, method, compressedSize, size, encrypted: (flags & 1) !== 0, localOffset: localOffset + shift });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/**
 * An entry's bytes. `maxSize` bounds what is inflated (a zip bomb stops there with a ZipError),
 * and entries whose declared size exceeds it are refused before any work.
 */
export function readZipEntry(buf: Buffer, entry: ZipEntry, maxSize: number): Buffer {
  if (entry.encrypted) throw new ZipError(`${entry.name}: encrypted entries are not supported`);
  if (entry.size > maxSize) throw new ZipError(`${entry.name}: ${entry.size} bytes exceeds the ${maxSize}-byte limit`);
  const at = entry.localOffset;
  if (at < 0 || at + 30 > buf.length || buf.readUInt32LE(at) !== LFH_SIG) throw new ZipError(`${entry.name}: bad local header`);
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > buf.length) throw new ZipError(`${entry.name}: data out of range`);
  const data = buf.subarray(start, end);
  if (entry.method === 0) return data;
  if (entry.method === 8) {
    try {
      return inflateRawSync(data, { maxOutputLength: Math.max(1, Math.min(maxSize, entry.size)) });
    } catch (err) {
      throw new ZipError(`${entry.name}: cannot inflate (${(err as Error).message})`);
    }
  }
  throw new ZipError(`${entry.name}: compression method ${entry.method} is not supported`);
}
