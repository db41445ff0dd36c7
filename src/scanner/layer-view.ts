/**
 * The image's final filesystem, restricted to the files catalogers asked for, built layer by
 * layer with OCI's overlay rules (image-spec layer.md, "Whiteouts"):
 *
 * - a path written by a later layer replaces the earlier one, whatever either is;
 * - `.wh.<name>` removes `<name>` (and everything beneath it) from the layers below;
 * - `.wh..wh..opq` hides everything the layers below put in its directory;
 * - a non-directory replacing a directory hides what was beneath it, and a directory replacing
 *   a file removes the file.
 *
 * Whiteouts apply to lower layers only, so a layer's removals are applied before its own
 * writes, whatever their order in the tar. Only paths that matter are remembered: a layer's
 * removal is recorded only if it touches a wanted file or one of its ancestor directories,
 * so the view stays as small as the set of wanted files.
 */

/** A wanted path as one layer left it. */
export type ViewEntry =
  /** A regular file; `values` holds what each interested cataloger kept of it (possibly nothing). */
  | { readonly kind: 'file'; readonly values: ReadonlyMap<string, Buffer> }
  /** Anything else at a wanted path (symlink, device, a file over the size cap): it hides lower layers' file. */
  | { readonly kind: 'other' };

export class LayerChanges {
  readonly writes = new Map<string, ViewEntry>();
  readonly removals = new Set<string>();
  readonly opaqueDirs = new Set<string>();
}

function isUnder(path: string, dir: string): boolean {
  return dir === '/' ? path !== '/' : path.startsWith(`${dir}/`);
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) out.push(path.slice(0, i));
  out.push('/');
  return out;
}

export class FilesystemView {
  private readonly entries = new Map<string, ViewEntry>();
  /** Ancestor directories of the entries, with how many entries each holds. */
  private readonly dirs = new Map<string, number>();

  /** Whether `path` is a wanted file in the view. */
  hasFile(path: string): boolean {
    return this.entries.has(path);
  }

  /** Whether `path` is a directory holding wanted files. */
  hasDir(path: string): boolean {
    return this.dirs.has(path);
  }

  private add(path: string, entry: ViewEntry): void {
    if (!this.entries.has(path)) for (const d of ancestors(path)) this.dirs.set(d, (this.dirs.get(d) ?? 0) + 1);
    this.entries.set(path, entry);
  }

  private remove(path: string): void {
    if (!this.entries.delete(path)) return;
    for (const d of ancestors(path)) {
      const n = (this.dirs.get(d) ?? 1) - 1;
      if (n === 0) this.dirs.delete(d);
      else this.dirs.set(d, n);
    }
  }

  private removeBeneath(dir: string, includingSelf: boolean): void {
    if (!this.dirs.has(dir) && !(includingSelf && this.entries.has(dir))) return;
    for (const path of [...this.entries.keys()]) {
      if ((includingSelf && path === dir) || isUnder(path, dir)) this.remove(path);
    }
  }

  /** Lay one layer's changes over the view: its removals first, then its writes. */
  apply(changes: LayerChanges): void {
    for (const path of changes.removals) this.removeBeneath(path, true);
    for (const dir of changes.opaqueDirs) this.removeBeneath(dir, false);
    for (const [path, entry] of changes.writes) this.add(path, entry);
  }

  /** The surviving regular files a cataloger kept something of, keyed by path, sorted. */
  filesFor(cataloger: string): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    for (const path of [...this.entries.keys()].sort()) {
      const entry = this.entries.get(path)!;
      const value = entry.kind === 'file' ? entry.values.get(cataloger) : undefined;
      if (value !== undefined) out.set(path, value);
    }
    return out;
  }
}
