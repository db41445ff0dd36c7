import { offsetOfAddress, parseElf, PF_W, PT_LOAD, sectionData, type ElfFile } from '../elf.js';

/**
 * The build information the Go toolchain embeds in every binary (what `go version -m` prints),
 * read as Go's debug/buildinfo does. A 32-byte header starting with `\xff Go buildinf:` sits
 * 16-byte aligned at the start of `.go.buildinfo` (or of the first writable segment, for
 * stripped binaries): byte 14 is the pointer size, byte 15 the flags.
 *
 * - Go ≥ 1.18 (flag 0x2): the toolchain version and the module info follow the header inline,
 *   each as a uvarint length and bytes.
 * - Earlier: two pointers at offset 16 and 16+ptrSize point at Go string headers
 *   `{data pointer, length}`, resolved through the loadable segments; byte 15 is then 1 for
 *   big-endian.
 *
 * The module info is wrapped in 16 sentinel bytes on each side, which are removed.
 */
const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER = 32;
const FLAG_BIG_ENDIAN = 0x1;
const FLAG_INLINE = 0x2;
const SEARCH_LIMIT = 64 * 1024;
const MAX_STRING = 16 * 1024 * 1024;

export interface GoBuildInfo {
  readonly goVersion: string;
  readonly modinfo: string;
}

function dataRegion(buf: Buffer, elf: ElfFile): Buffer | undefined {
  const section = sectionData(buf, elf, '.go.buildinfo');
  if (section) return section;
  const seg = elf.segments.find((s) => s.type === PT_LOAD && (s.flags & PF_W) !== 0);
  if (!seg || seg.offset >= buf.length) return undefined;
  return buf.subarray(seg.offset, Math.min(buf.length, seg.offset + seg.filesz));
}

function findHeader(region: Buffer): number {
  const limit = Math.min(region.length - HEADER, SEARCH_LIMIT);
  for (let at = 0; at <= limit; at += 16) {
    if (region.subarray(at, at + MAGIC.length).equals(MAGIC)) return at;
  }
  return -1;
}

function uvarint(buf: Buffer, at: number): [number, number] | undefined {
  let value = 0;
  let shift = 0;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, i + 1];
    shift += 7;
  }
  return undefined;
}

function inlineStrings(region: Buffer, at: number): [string, string] | undefined {
  const out: string[] = [];
  let pos = at;
  for (let i = 0; i < 2; i++) {
    const v = uvarint(region, pos);
    if (!v || v[0] > MAX_STRING || v[1] + v[0] > region.length) return undefined;
    out.push(region.toString('utf8', v[1], v[1] + v[0]));
    pos = v[1] + v[0];
  }
  return [out[0]!, out[1]!];
}

function pointerStrings(buf: Buffer, elf: ElfFile, region: Buffer, at: number, ptrSize: number, bigEndian: boolean): [string, string] | undefined {
  const ptr = (b: Buffer, off: number): bigint | undefined => {
    if (off < 0 || off + ptrSize > b.length) return undefined;
    if (ptrSize === 8) return bigEndian ? b.readBigUInt64BE(off) : b.readBigUInt64LE(off);
    if (ptrSize === 4) return BigInt(bigEndian ? b.readUInt32BE(off) : b.readUInt32LE(off));
    return undefined;
  };
  const goString = (addr: bigint | undefined): string | undefined => {
    if (addr === undefined) return undefined;
    const hdr = offsetOfAddress(elf, addr);
    if (hdr === undefined) return undefined;
    const dataAddr = ptr(buf, hdr);
    const len = ptr(buf, hdr + ptrSize);
    if (dataAddr === undefined || len === undefined || len > BigInt(MAX_STRING)) return undefined;
    if (len === 0n) return '';
    const start = offsetOfAddress(elf, dataAddr);
    if (start === undefined || start + Number(len) > buf.length) return undefined;
    return buf.toString('utf8', start, start + Number(len));
  };
  const version = goString(ptr(region, at + 16));
  const mod = goString(ptr(region, at + 16 + ptrSize));
  return version === undefined || mod === undefined ? undefined : [version, mod];
}

function stripSentinels(mod: string): string {
  return mod.length >= 33 && mod[mod.length - 17] === '\n' ? mod.slice(16, -16) : '';
}

export function readGoBuildInfo(buf: Buffer): GoBuildInfo | undefined {
  const elf = parseElf(buf);
  if (!elf) return undefined;
  const region = dataRegion(buf, elf);
  if (!region) return undefined;
  const at = findHeader(region);
  if (at < 0) return undefined;
  const ptrSize = region[at + 14]!;
  const flags = region[at + 15]!;
  const strings =
    flags & FLAG_INLINE
      ? inlineStrings(region, at + HEADER)
      : pointerStrings(buf, elf, region, at, ptrSize, (flags & FLAG_BIG_ENDIAN) !== 0);
  if (!strings) return undefined;
  return { goVersion: strings[0], modinfo: stripSentinels(strings[1]) };
}

export interface GoModule {
  readonly path: string;
  readonly version: string;
}

/** The main module and dependencies from a modinfo text, `=>` replacements applied. */
export function parseModinfo(modinfo: string): { main?: GoModule; deps: GoModule[] } {
  let main: GoModule | undefined;
  const deps: (GoModule | undefined)[] = [];
  let last: 'mod' | 'dep' | undefined;
  for (const line of modinfo.split('\n')) {
    const [kind, path, version] = line.split('\t');
    if (kind === 'mod' && path) {
      main = { path, version: version ?? '' };
      last = 'mod';
    } else if (kind === 'dep' && path) {
      deps.push({ path, version: version ?? '' });
      last = 'dep';
    } else if (kind === '=>' && path && last) {
      // A replacement: a module path with a version, or a local directory (no version) whose contents are unknowable.
      const replaced = version ? { path, version } : undefined;
      if (last === 'mod') main = replaced;
      else deps[deps.length - 1] = replaced;
      last = undefined;
    } else {
      last = undefined;
    }
  }
  return { ...(main ? { main } : {}), deps: deps.filter((d): d is GoModule => d !== undefined && d.version !== '') };
}
