import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Cataloger, CatalogContext } from './catalogers/cataloger.js';
import { detectDistro, wantsOsRelease } from './catalogers/os-release.js';
import { decoderFor, declaredCompression, peek, sniffCompression, unreadableMediaType } from './layer-decoder.js';
import { FilesystemView, LayerChanges, type ViewEntry } from './layer-view.js';
import type { Package, Sbom } from './sbom.js';

/**
 * The catalog pass: one streaming read of each layer, in order, feeding the catalogers.
 *
 * Each layer is decoded (gzip, zstd, plain tar) and walked entry by entry. An entry some
 * cataloger `wants` is read into memory, up to `maxFileBytes` (larger ones are skipped with a
 * note), offered to `accepts` after its first bytes and to `reduce` once complete; every other
 * entry is drained without being kept. Whiteouts and overrides are applied layer by layer in a
 * FilesystemView of just the wanted files, and the catalogers run once, at the end, on the
 * files that survive in the final filesystem. Memory is bounded by the cap on one file plus
 * what the catalogers keep, whatever the size of the layers.
 */

export interface LayerBlob {
  readonly digest: string;
  readonly mediaType: string;
  open(): Promise<Readable>;
}

export interface CatalogOptions {
  readonly imageDigest: string;
  /** Largest file read into memory; default 64 MiB. */
  readonly maxFileBytes?: number;
}

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Bytes a cataloger's `accepts` sees before the rest of a file is read. */
const HEAD_BYTES = 64;

/** The os-release reader rides along as a cataloger of its own, so its files follow the same rules. */
const OS_RELEASE = '#os-release';

interface Interest {
  readonly name: string;
  wants(path: string): boolean;
  accepts?(head: Buffer): boolean;
  reduce?(path: string, content: Buffer): Buffer | undefined;
}

type TarEntry = tar.Extract extends AsyncIterable<infer E> ? E : never;

/** `./usr/bin/x`, `usr/bin/x/`, `/usr/bin/x` -> `/usr/bin/x`; `..` cannot climb above `/`. */
function normalizePath(name: string): string {
  const p = posix.normalize(`/${name}`);
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

class LayerWalker {
  constructor(
    private readonly view: FilesystemView,
    private readonly interests: readonly Interest[],
    private readonly maxFileBytes: number,
    private readonly note: (message: string) => void,
  ) {}

  async walk(layer: LayerBlob, label: string): Promise<LayerChanges | undefined> {
    const unreadable = unreadableMediaType(layer.mediaType);
    if (unreadable) {
      this.note(`${label} not cataloged: ${unreadable}`);
      return undefined;
    }
    const { head, stream } = await peek(await layer.open(), 4);
    const compression = sniffCompression(head);
    const declared = declaredCompression(layer.mediaType);
    if (compression !== declared) {
      this.note(`${label}: media type says ${declared === 'none' ? 'uncompressed' : declared} but the content is ${compression === 'none' ? 'not compressed' : compression}; read as ${compression === 'none' ? 'tar' : compression}`);
    }
    const decoding = await decoderFor(compression);
    if ('unsupported' in decoding) {
      stream.destroy();
      this.note(`${label} not cataloged: ${decoding.unsupported}`);
      return undefined;
    }
    // Pre-POSIX (v7) tar headers have no `ustar` magic; tar-stream reads them when asked (not in its typings).
    const extract = tar.extract({ allowUnknownFormat: true } as Parameters<typeof tar.extract>[0]);
    const abort = new AbortController();
    const piping = decoding.decoder
      ? pipeline(stream, decoding.decoder, extract, { signal: abort.signal })
      : pipeline(stream, extract, { signal: abort.signal });
    piping.catch(() => undefined); // awaited below; observed here so an early failure is not unhandled
    const changes = new LayerChanges();
    try {
      for await (const entry of extract) await this.entry(entry, changes, label);
    } catch (err) {
      abort.abort();
      throw err;
    }
    await piping;
    return changes;
  }

  private async entry(entry: TarEntry, changes: LayerChanges, label: string): Promise<void> {
    const header = entry.header;
    const path = normalizePath(header.name);
    const base = posix.basename(path);
    const dir = posix.dirname(path);
    if (base.startsWith('.wh.')) {
      if (base === '.wh..wh..opq') {
        if (this.view.hasDir(dir)) changes.opaqueDirs.add(dir);
      } else {
        const target = posix.join(dir, base.slice(4));
        if (this.view.hasFile(target) || this.view.hasDir(target)) changes.removals.add(target);
      }
      return drain(entry);
    }
    if (header.type === 'directory') {
      if (this.view.hasFile(path)) changes.removals.add(path);
      return drain(entry);
    }
    if (this.view.hasDir(path)) changes.removals.add(path);
    const interested = this.interests.filter((i) => i.wants(path));
    if (interested.length === 0) return drain(entry);

    if (header.type === 'link') {
      const target = changes.writes.get(normalizePath(header.linkname ?? ''));
      if (!target) this.note(`${label}: ${path} is a hard link to ${header.linkname ?? '?'}, which was not read; skipped`);
      changes.writes.set(path, target ?? { kind: 'other' });
      return drain(entry);
    }
    if (header.type !== 'file' && header.type !== 'contiguous-file') {
      changes.writes.set(path, { kind: 'other' });
      return drain(entry);
    }
    const size = header.size ?? 0;
    if (size > this.maxFileBytes) {
      this.note(`${label}: ${path} skipped: ${size} bytes is over the ${this.maxFileBytes}-byte limit for files read into memory`);
      changes.writes.set(path, { kind: 'other' });
      return drain(entry);
    }
    changes.writes.set(path, await this.read(entry, path, size, interested, label));
  }

  /**
   * A buffer reused for files that are only reduced (never kept whole), so reading thousands of
   * executables does not leave thousands of dead buffers for the garbage collector: it grows to
   * the largest such file read, at most `maxFileBytes`.
   */
  private scratch = Buffer.alloc(0);

  private bufferFor(size: number, reusable: boolean): Buffer {
    if (!reusable) return Buffer.allocUnsafe(size);
    if (this.scratch.length < size) this.scratch = Buffer.allocUnsafeSlow(Math.min(this.maxFileBytes, Math.max(size, this.scratch.length * 2)));
    return this.scratch.subarray(0, size);
  }

  /** Read one wanted file, consulting `accepts` after HEAD_BYTES; rejected files are drained, not kept. */
  private async read(entry: TarEntry, path: string, size: number, interested: readonly Interest[], label: string): Promise<ViewEntry> {
    const head: Buffer[] = [];
    let filled = 0;
    let keepers: readonly Interest[] | undefined;
    let content: Buffer | undefined;
    const decide = (): void => {
      const first = Buffer.concat(head, filled);
      keepers = interested.filter((i) => i.accepts?.(first) ?? true);
      if (keepers.length > 0) {
        content = this.bufferFor(size, keepers.every((i) => i.reduce !== undefined));
        first.copy(content);
      }
    };
    for await (const chunk of entry as AsyncIterable<Buffer>) {
      if (keepers === undefined) {
        head.push(chunk);
        filled += chunk.length;
        if (filled >= HEAD_BYTES || filled >= size) decide();
      } else if (content) {
        chunk.copy(content, filled);
        filled += chunk.length;
      } // else: rejected, draining
    }
    if (keepers === undefined) decide();
    const values = new Map<string, Buffer>();
    for (const i of content ? keepers! : []) {
      try {
        let value = i.reduce ? i.reduce(path, content!) : content!;
        // what a reducer returns must outlive the scratch buffer
        if (value !== undefined && i.reduce && value.buffer === this.scratch.buffer) value = Buffer.from(value);
        if (value !== undefined) values.set(i.name, value);
      } catch (err) {
        this.note(`${label}: ${i.name} could not read ${path}: ${(err as Error).message}`);
      }
    }
    return { kind: 'file', values };
  }
}

/** Let an entry's bytes flow past unkept; the tar iterator moves on once they have. */
function drain(entry: TarEntry): void {
  entry.resume();
}

function packageKey(p: Package): string {
  return `${p.type}\u0000${p.ecosystem}\u0000${p.purl}\u0000${p.sourceName ?? ''}\u0000${p.sourceVersion ?? ''}`;
}

/** One package per identity, with the locations of all its copies; sorted by ecosystem, name, version, purl. */
export function mergePackages(packages: readonly Package[]): Package[] {
  const byKey = new Map<string, Package>();
  for (const p of packages) {
    const key = packageKey(p);
    const seen = byKey.get(key);
    const locations = [...new Set([...(seen?.locations ?? []), ...p.locations])].sort();
    byKey.set(key, { ...(seen ?? p), locations });
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...byKey.values()].sort(
    (a, b) => cmp(a.ecosystem, b.ecosystem) || cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.purl, b.purl),
  );
}

export async function catalogImage(
  layers: AsyncIterable<LayerBlob> | Iterable<LayerBlob>,
  catalogers: readonly Cataloger[],
  options: CatalogOptions,
): Promise<Sbom> {
  const notes: string[] = [];
  const note = (message: string): void => {
    if (!notes.includes(message)) notes.push(message);
  };
  const interests: Interest[] = [{ name: OS_RELEASE, wants: wantsOsRelease }, ...catalogers];
  const view = new FilesystemView();
  const walker = new LayerWalker(view, interests, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, note);

  let index = 0;
  for await (const layer of layers) {
    const label = `layer ${index++} (${layer.digest})`;
    try {
      const changes = await walker.walk(layer, label);
      if (changes) view.apply(changes);
    } catch (err) {
      note(`${label} not cataloged: ${(err as Error).message}`);
    }
  }

  const distro = detectDistro(view.filesFor(OS_RELEASE));
  const context: CatalogContext = { ...(distro ? { distro } : {}), note };
  const found: Package[] = [];
  for (const cataloger of catalogers) {
    try {
      found.push(...(await cataloger.catalog(view.filesFor(cataloger.name), context)));
    } catch (err) {
      note(`${cataloger.name}: ${(err as Error).message}`);
    }
  }
  return { imageDigest: options.imageDigest, ...(distro ? { distro } : {}), packages: mergePackages(found), notes };
}
