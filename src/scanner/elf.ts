/**
 * A small ELF reader over a file held in memory: the header, section headers with their names,
 * and loadable segments for mapping virtual addresses back to file offsets. ELF32 and ELF64,
 * little- and big-endian. Shared by the Go build-info and Rust `cargo auditable` catalogers.
 * A truncated or malformed file yields undefined, never an exception.
 */

export const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

export interface ElfSection {
  readonly name: string;
  readonly type: number;
  readonly addr: bigint;
  readonly offset: number;
  readonly size: number;
}

export interface ElfSegment {
  readonly type: number;
  readonly flags: number;
  readonly vaddr: bigint;
  readonly offset: number;
  readonly filesz: number;
}

export interface ElfFile {
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  readonly sections: readonly ElfSection[];
  readonly segments: readonly ElfSegment[];
}

const SHT_NOBITS = 8;
export const PT_LOAD = 1;
export const PF_W = 2;

export function isElf(head: Buffer): boolean {
  return head.length >= 4 && head.subarray(0, 4).equals(ELF_MAGIC);
}

class Reader {
  constructor(
    readonly buf: Buffer,
    readonly le: boolean,
    readonly is64: boolean,
  ) {}
  u16(at: number): number {
    return this.le ? this.buf.readUInt16LE(at) : this.buf.readUInt16BE(at);
  }
  u32(at: number): number {
    return this.le ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at);
  }
  u64(at: number): bigint {
    return this.le ? this.buf.readBigUInt64LE(at) : this.buf.readBigUInt64BE(at);
  }
  /** A pointer-sized field. */
  word(at: number): bigint {
    return this.is64 ? this.u64(at) : BigInt(this.u32(at));
  }
}

function num(v: bigint): number {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

function parseUnsafe(buf: Buffer): ElfFile | undefined {
  if (buf.length < 52 || !isElf(buf)) return undefined;
  const cls = buf[4];
  const data = buf[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return undefined;
  const r = new Reader(buf, data === 1, cls === 2);
  const is64 = cls === 2;
  const w = is64 ? 8 : 4;
  // e_phoff, e_shoff follow e_entry (at 24); then flags, ehsize, phentsize, phnum, shentsize, shnum, shstrndx.
  const phoff = num(r.word(24 + w));
  const shoff = num(r.word(24 + 2 * w));
  const tail = 24 + 3 * w + 4;
  const phentsize = r.u16(tail + 2);
  const phnum = r.u16(tail + 4);
  const shentsize = r.u16(tail + 6);
  const shnum = r.u16(tail + 8);
  const shstrndx = r.u16(tail + 10);

  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum && phoff > 0; i++) {
    const at = phoff + i * phentsize;
    if (at + (is64 ? 56 : 32) > buf.length) break;
    segments.push(
      is64
        ? { type: r.u32(at), flags: r.u32(at + 4), offset: num(r.u64(at + 8)), vaddr: r.u64(at + 16), filesz: num(r.u64(at + 32)) }
        : { type: r.u32(at), offset: r.u32(at + 4), vaddr: BigInt(r.u32(at + 8)), filesz: r.u32(at + 16), flags: r.u32(at + 24) },
    );
  }

  const raw: { nameOff: number; type: number; addr: bigint; offset: number; size: number }[] = [];
  for (let i = 0; i < shnum && shoff > 0; i++) {
    const at = shoff + i * shentsize;
    if (at + (is64 ? 64 : 40) > buf.length) break;
    raw.push(
      is64
        ? { nameOff: r.u32(at), type: r.u32(at + 4), addr: r.u64(at + 16), offset: num(r.u64(at + 24)), size: num(r.u64(at + 32)) }
        : { nameOff: r.u32(at), type: r.u32(at + 4), addr: BigInt(r.u32(at + 12)), offset: r.u32(at + 16), size: r.u32(at + 20) },
    );
  }
  const strtab = raw[shstrndx];
  const sections: ElfSection[] = raw.map((s) => {
    let name = '';
    if (strtab && strtab.offset + s.nameOff < buf.length) {
      const start = strtab.offset + s.nameOff;
      const end = buf.indexOf(0, start);
      name = buf.toString('latin1', start, end < 0 ? buf.length : end);
    }
    return { name, type: s.type, addr: s.addr, offset: s.offset, size: s.size };
  });
  return { bits: is64 ? 64 : 32, littleEndian: r.le, sections, segments };
}

export function parseElf(buf: Buffer): ElfFile | undefined {
  try {
    return parseUnsafe(buf);
  } catch {
    return undefined; // a read past the end of a truncated file
  }
}

/** A section's bytes (empty for SHT_NOBITS), or undefined if it is absent or out of range. */
export function sectionData(buf: Buffer, elf: ElfFile, name: string): Buffer | undefined {
  const s = elf.sections.find((x) => x.name === name);
  if (!s || s.type === SHT_NOBITS) return undefined;
  if (s.offset + s.size > buf.length) return undefined;
  return buf.subarray(s.offset, s.offset + s.size);
}

/** The file offset holding virtual address `addr`, through the loadable segments. */
export function offsetOfAddress(elf: ElfFile, addr: bigint): number | undefined {
  for (const seg of elf.segments) {
    if (seg.type !== PT_LOAD) continue;
    if (addr >= seg.vaddr && addr < seg.vaddr + BigInt(seg.filesz)) return seg.offset + Number(addr - seg.vaddr);
  }
  for (const s of elf.sections) {
    if (s.addr === 0n || s.type === SHT_NOBITS) continue;
    if (addr >= s.addr && addr < s.addr + BigInt(s.size)) return s.offset + Number(addr - s.addr);
  }
  return undefined;
}
