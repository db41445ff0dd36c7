import type { Distro, Package } from '../sbom.js';

export interface CatalogContext {
  /** The distribution the image's os-release names, if it has one. */
  readonly distro?: Distro;
  /** Record something the SBOM's reader should know (an unsupported format, an unreadable file). */
  note(message: string): void;
}

/**
 * One source of packages. `wants` picks files by absolute path (`/var/lib/dpkg/status`) while
 * layers stream past; only wanted files are read into memory. The optional hooks keep that
 * memory small for catalogers that want many or large files:
 *
 * - `accepts` sees the first bytes of a wanted file; false drains the rest unread (the ELF
 *   catalogers want every plausible executable but only keep ELF files);
 * - `reduce` runs as soon as a file has been read, in the layer pass, and returns what
 *   `catalog` needs of it (a binary's embedded module list instead of the binary, a jar's
 *   artifact list instead of the jar); undefined means nothing of interest.
 *
 * `catalog` runs once, after whiteouts and later layers have been applied, on the surviving
 * files (keyed by path, values as `reduce` left them).
 */
export interface Cataloger {
  readonly name: string;
  wants(path: string): boolean;
  accepts?(head: Buffer): boolean;
  reduce?(path: string, content: Buffer): Buffer | undefined;
  catalog(files: ReadonlyMap<string, Buffer>, context: CatalogContext): Package[] | Promise<Package[]>;
}
