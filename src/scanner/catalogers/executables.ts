import { isElf } from '../elf.js';

/**
 * Which files the binary catalogers (Go build info, Rust `cargo auditable`) look at. Go and
 * Rust executables live anywhere (`/usr/local/bin`, `/app/server`, `/ko-app/x`, an npm
 * package's `bin/esbuild`), so a path list would miss them; instead every regular file that
 * looks like an executable by name (no extension, or `.bin`/`.exe`) outside trees that hold
 * only data is a candidate, and `acceptsExecutable` keeps only ELF executables (`ET_EXEC`,
 * `ET_DYN`) after the first bytes. Non-ELF candidates are drained unread after that check; ELF
 * files are read (under the size cap), reduced to their embedded metadata and dropped.
 * Shared libraries (`.so`) are skipped by name.
 */
const DATA_TREES = /^\/(?:proc|sys|dev|usr\/share|usr\/include|usr\/src|usr\/lib\/debug|var\/lib\/dpkg|var\/lib\/apt|var\/cache|var\/log)\//;

export function wantsExecutable(path: string): boolean {
  if (DATA_TREES.test(path)) return false;
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === '' || base.startsWith('.')) return false;
  const dot = base.lastIndexOf('.');
  return dot < 0 || /^(?:bin|exe)$/i.test(base.slice(dot + 1));
}

const ET_EXEC = 2;
const ET_DYN = 3;

export function acceptsExecutable(head: Buffer): boolean {
  if (!isElf(head) || head.length < 18) return false;
  const type = head[5] === 2 ? head.readUInt16BE(16) : head.readUInt16LE(16);
  return type === ET_EXEC || type === ET_DYN;
}
