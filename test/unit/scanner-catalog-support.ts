import { Readable } from 'node:stream';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { LayerBlob } from '../../src/scanner/layers.js';

/**
 * Builders for the catalog tests: layer tarballs (tar-stream), zip archives, ELF files with
 * chosen sections, Go build-info blobs in both layouts and RPM header blobs. They write the
 * formats from their specifications, independently of the readers under test.
 */

export const OCI_TAR = 'application/vnd.oci.image.layer.v1.tar';
export const OCI_TAR_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_TAR_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
export const DOCKER_TAR_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

export type TarItem =
  | { readonly path: string; readonly content: string | Buffer; readonly mode?: number }
  /** A large file written chunk by chunk, so the test itself never holds it whole. */
  | { readonly path: string; readonly size: number; readonly chunks: Iterable<Buffer>; readonly mode?: number }
  | { readonly path: string; readonly dir: true }
  | { readonly path: string; readonly symlink: string }
  | { readonly path: string; readonly hardlink: string };

/** A tar stream of `items`, generated as it is read, in chunks of at most `chunkSize` (64 KiB, as a file or socket stream delivers them). */
export function tarStream(items: Iterable<TarItem> | AsyncIterable<TarItem>, chunkSize = 64 * 1024): Readable {
  const pack = tar.pack();
  void (async () => {
    try {
      for await (const item of items) {
        await new Promise<void>((resolve, reject) => {
          const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
          if ('dir' in item) pack.entry({ name: item.path, type: 'directory' }, cb);
          else if ('symlink' in item) pack.entry({ name: item.path, type: 'symlink', linkname: item.symlink }, cb);
          else if ('hardlink' in item) pack.entry({ name: item.path, type: 'link', linkname: item.hardlink }, cb);
          else if ('chunks' in item) {
            const sink = pack.entry({ name: item.path, size: item.size, mode: item.mode ?? 0o644 }, cb);
            void (async () => {
              for (const chunk of item.chunks) {
                if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', () => r()));
              }
              sink.end(undefined);
            })().catch(reject);
          } else pack.entry({ name: item.path, mode: item.mode ?? 0o644 }, item.content, cb);
        });
      }
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  async function* rechunk(): AsyncGenerator<Buffer> {
    for await (const chunk of pack as AsyncIterable<Buffer>) {
      for (let at = 0; at < chunk.length; at += chunkSize) yield chunk.subarray(at, at + chunkSize);
    }
  }
  return Readable.from(rechunk());
}

export async function tarBuffer(items: readonly TarItem[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of tarStream(items)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

let counter = 0;

/** A layer blob served from memory, compressed as asked, its media type to match unless given. */
export async function layer(
  items: readonly TarItem[],
  compression: 'gzip' | 'none' = 'gzip',
  mediaType?: string,
): Promise<LayerBlob & { readonly bytes: Buffer }> {
  const raw = await tarBuffer(items);
  const bytes = compression === 'gzip' ? gzipSync(raw) : raw;
  return blob(bytes, mediaType ?? (compression === 'gzip' ? OCI_TAR_GZIP : OCI_TAR));
}

export function blob(bytes: Buffer, mediaType: string): LayerBlob & { readonly bytes: Buffer } {
  const digest = `sha256:${(++counter).toString(16).padStart(64, '0')}`;
  return { digest, mediaType, bytes, open: () => Promise.resolve(Readable.from([bytes])) };
}

// ---------------------------------------------------------------------------------------------
// zip (PKWARE APPNOTE 4.3): local headers + data, central directory, end record.

export function zip(files: readonly { name: string; content: string | Buffer; store?: boolean }[], prefix = Buffer.alloc(0)): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = prefix.length;
  for (const f of files) {
    const data = Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content);
    const method = f.store ? 0 : 8;
    const body = method === 8 ? deflateRawSync(data) : data;
    const name = Buffer.from(f.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(0, 14); // crc: not checked by the reader
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x800, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset - prefix.length, 42); // offsets relative to the archive, as Spring Boot's launch-script jars have them
    locals.push(local, name, body);
    central.push(cd, name);
    offset += 30 + name.length + body.length;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cdBuf.length, 12);
  end.writeUInt32LE(offset - prefix.length, 16);
  return Buffer.concat([prefix, ...locals, cdBuf, end]);
}

export function pomProperties(groupId: string, artifactId: string, version: string): { name: string; content: string } {
  return {
    name: `META-INF/maven/${groupId}/${artifactId}/pom.properties`,
    content: `#Generated by Maven\n#Tue Jan 02 10:00:00 UTC 2024\ngroupId=${groupId}\nartifactId=${artifactId}\nversion=${version}\n`,
  };
}

// ---------------------------------------------------------------------------------------------
// ELF64 little-endian: header, one PT_LOAD covering the file, sections, .shstrtab, section headers.

export const ELF_BASE = 0x400000n;
const EHDR = 64;
const PHDR = 56;
const SHDR = 64;

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** File offset of the first section's data in `elf64()` output. */
export const ELF_FIRST_SECTION_OFFSET = align(EHDR + PHDR, 16);

export function elf64(sections: readonly { name: string; data: Buffer }[], type: 'exec' | 'dyn' | 'rel' = 'exec'): Buffer {
  const names = Buffer.concat([Buffer.from([0]), ...[...sections.map((s) => s.name), '.shstrtab'].map((n) => Buffer.from(`${n}\0`))]);
  const placed: { nameOff: number; offset: number; size: number }[] = [];
  let at = ELF_FIRST_SECTION_OFFSET;
  let nameOff = 1;
  const parts: Buffer[] = [];
  for (const s of [...sections, { name: '.shstrtab', data: names }]) {
    placed.push({ nameOff, offset: at, size: s.data.length });
    nameOff += Buffer.byteLength(s.name) + 1;
    parts.push(s.data);
    at = align(at + s.data.length, 16);
  }
  const shoff = at;
  const total = shoff + SHDR * (placed.length + 1);
  const out = Buffer.alloc(total);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  out.writeUInt16LE(type === 'exec' ? 2 : type === 'dyn' ? 3 : 1, 16);
  out.writeUInt16LE(62, 18); // x86-64
  out.writeUInt32LE(1, 20);
  out.writeBigUInt64LE(BigInt(EHDR), 32); // e_phoff
  out.writeBigUInt64LE(BigInt(shoff), 40);
  out.writeUInt16LE(EHDR, 52);
  out.writeUInt16LE(PHDR, 54);
  out.writeUInt16LE(1, 56);
  out.writeUInt16LE(SHDR, 58);
  out.writeUInt16LE(placed.length + 1, 60);
  out.writeUInt16LE(placed.length, 62); // .shstrtab is last
  // PT_LOAD, RW, the whole file at ELF_BASE
  out.writeUInt32LE(1, EHDR);
  out.writeUInt32LE(6, EHDR + 4);
  out.writeBigUInt64LE(0n, EHDR + 8);
  out.writeBigUInt64LE(ELF_BASE, EHDR + 16);
  out.writeBigUInt64LE(ELF_BASE, EHDR + 24);
  out.writeBigUInt64LE(BigInt(total), EHDR + 32);
  out.writeBigUInt64LE(BigInt(total), EHDR + 40);
  placed.forEach((p, i) => {
    parts[i]!.copy(out, p.offset);
    const sh = shoff + SHDR * (i + 1);
    out.writeUInt32LE(p.nameOff, sh);
    out.writeUInt32LE(i === placed.length - 1 ? 3 : 1, sh + 4); // STRTAB : PROGBITS
    out.writeBigUInt64LE(i === placed.length - 1 ? 0n : ELF_BASE + BigInt(p.offset), sh + 16);
    out.writeBigUInt64LE(BigInt(p.offset), sh + 24);
    out.writeBigUInt64LE(BigInt(p.size), sh + 32);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Go build info (cmd/go/internal/modload and debug/buildinfo).

const GO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const SENTINEL_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const SENTINEL_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

export function modinfo(lines: readonly string[]): Buffer {
  return Buffer.concat([SENTINEL_START, Buffer.from(lines.map((l) => `${l}\n`).join('')), SENTINEL_END]);
}

function uvarint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

/** Go ≥ 1.18: strings inline after the 32-byte header. */
export function goBinaryInline(goVersion: string, mod: Buffer): Buffer {
  const header = Buffer.alloc(32);
  GO_MAGIC.copy(header);
  header[14] = 8;
  header[15] = 0x2;
  const v = Buffer.from(goVersion);
  const info = Buffer.concat([header, uvarint(v.length), v, uvarint(mod.length), mod]);
  return elf64([
    { name: '.text', data: Buffer.alloc(256, 0xcc) },
    { name: '.go.buildinfo', data: info },
  ]);
}

/** Go < 1.18: the header points at Go string headers `{ptr, len}` in .rodata. */
export function goBinaryPointers(goVersion: string, mod: Buffer): Buffer {
  const v = Buffer.from(goVersion);
  const rodataAddr = ELF_BASE + BigInt(ELF_FIRST_SECTION_OFFSET);
  // .rodata: [versionHdr 16][modHdr 16][version bytes][mod bytes]
  const rodata = Buffer.alloc(32 + v.length + mod.length);
  rodata.writeBigUInt64LE(rodataAddr + 32n, 0);
  rodata.writeBigUInt64LE(BigInt(v.length), 8);
  rodata.writeBigUInt64LE(rodataAddr + 32n + BigInt(v.length), 16);
  rodata.writeBigUInt64LE(BigInt(mod.length), 24);
  v.copy(rodata, 32);
  mod.copy(rodata, 32 + v.length);
  const info = Buffer.alloc(32);
  GO_MAGIC.copy(info);
  info[14] = 8;
  info[15] = 0; // little-endian, pointer layout
  info.writeBigUInt64LE(rodataAddr, 16);
  info.writeBigUInt64LE(rodataAddr + 16n, 24);
  return elf64([
    { name: '.rodata', data: rodata },
    { name: '.go.buildinfo', data: info },
  ]);
}

/** A `cargo auditable` binary: zlib-compressed dependency JSON in `.dep-v0`. */
export function rustBinary(packages: readonly Record<string, unknown>[]): Buffer {
  return elf64([
    { name: '.text', data: Buffer.alloc(64, 0x90) },
    { name: '.dep-v0', data: deflateSync(JSON.stringify({ packages })) },
  ], 'dyn');
}

// ---------------------------------------------------------------------------------------------
// RPM header blobs (rpm's lib/header.c layout, without the 8-byte magic, as rpmdb stores them).

export function rpmHeaderBlob(tags: readonly { tag: number; type: 'string' | 'int32'; value: string | number }[]): Buffer {
  const index: Buffer[] = [];
  const data: Buffer[] = [];
  let size = 0;
  for (const t of tags) {
    let bytes: Buffer;
    if (t.type === 'int32') {
      const pad = (4 - (size % 4)) % 4;
      if (pad) {
        data.push(Buffer.alloc(pad));
        size += pad;
      }
      bytes = Buffer.alloc(4);
      bytes.writeInt32BE(t.value as number);
    } else {
      bytes = Buffer.from(`${t.value}\0`);
    }
    const e = Buffer.alloc(16);
    e.writeUInt32BE(t.tag, 0);
    e.writeUInt32BE(t.type === 'int32' ? 4 : 6, 4);
    e.writeUInt32BE(size, 8);
    e.writeUInt32BE(1, 12);
    index.push(e);
    data.push(bytes);
    size += bytes.length;
  }
  const head = Buffer.alloc(8);
  head.writeUInt32BE(tags.length, 0);
  head.writeUInt32BE(size, 4);
  return Buffer.concat([head, ...index, ...data]);
}

/** Names, versions and sources of a catalog result, in its order, for exact comparisons. */
export function summary(packages: readonly { name: string; version: string; ecosystem: string }[]): string[] {
  return packages.map((p) => `${p.ecosystem} ${p.name} ${p.version}`);
}
