/**
 * RPM header blobs as rpmdb stores them (the on-disk header without its 8-byte magic): a
 * big-endian index count and data length, that many 16-byte index entries `{tag, type,
 * offset, count}`, then the data store the offsets point into. Only the tags the scanner
 * needs are decoded; a malformed blob yields undefined instead of throwing.
 */
export const TAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  ARCH: 1022,
  SOURCERPM: 1044,
} as const;

const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;

export interface RpmHeader {
  readonly name: string;
  readonly version: string;
  readonly release: string;
  readonly epoch?: number;
  readonly arch?: string;
  readonly sourceRpm?: string;
}

interface IndexEntry {
  readonly type: number;
  readonly offset: number;
  readonly count: number;
}

function readEntries(blob: Buffer): { entries: Map<number, IndexEntry>; data: Buffer } | undefined {
  if (blob.length < 8) return undefined;
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  const dataStart = 8 + il * 16;
  if (il > 0xffff || dataStart + dl > blob.length) return undefined;
  const entries = new Map<number, IndexEntry>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = blob.readUInt32BE(at);
    if (!entries.has(tag)) {
      entries.set(tag, { type: blob.readUInt32BE(at + 4), offset: blob.readInt32BE(at + 8), count: blob.readUInt32BE(at + 12) });
    }
  }
  return { entries, data: blob.subarray(dataStart, dataStart + dl) };
}

function stringAt(data: Buffer, e: IndexEntry | undefined): string | undefined {
  if (!e || (e.type !== TYPE_STRING && e.type !== TYPE_STRING_ARRAY && e.type !== TYPE_I18NSTRING)) return undefined;
  if (e.offset < 0 || e.offset >= data.length) return undefined;
  const end = data.indexOf(0, e.offset);
  return data.toString('utf8', e.offset, end < 0 ? data.length : end);
}

function int32At(data: Buffer, e: IndexEntry | undefined): number | undefined {
  if (!e || e.type !== TYPE_INT32 || e.count < 1 || e.offset < 0 || e.offset + 4 > data.length) return undefined;
  return data.readInt32BE(e.offset);
}

export function parseRpmHeader(blob: Buffer): RpmHeader | undefined {
  const parsed = readEntries(blob);
  if (!parsed) return undefined;
  const { entries, data } = parsed;
  const name = stringAt(data, entries.get(TAG.NAME));
  const version = stringAt(data, entries.get(TAG.VERSION));
  const release = stringAt(data, entries.get(TAG.RELEASE));
  if (!name || version === undefined || release === undefined) return undefined;
  const epoch = int32At(data, entries.get(TAG.EPOCH));
  const arch = stringAt(data, entries.get(TAG.ARCH));
  const sourceRpm = stringAt(data, entries.get(TAG.SOURCERPM));
  return {
    name,
    version,
    release,
    ...(epoch !== undefined ? { epoch } : {}),
    ...(arch !== undefined ? { arch } : {}),
    ...(sourceRpm !== undefined ? { sourceRpm } : {}),
  };
}

/** `glibc-2.34-60.el9.src.rpm` -> `{ name: 'glibc', version: '2.34-60.el9' }`. */
export function parseSourceRpm(sourceRpm: string): { name: string; version: string } | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(sourceRpm);
  return m ? { name: m[1]!, version: `${m[2]}-${m[3]}` } : undefined;
}
