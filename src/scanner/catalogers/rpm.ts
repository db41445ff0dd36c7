import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Package } from '../sbom.js';
import type { Cataloger, CatalogContext } from './cataloger.js';
import { osEcosystem } from './os-release.js';
import { purl } from './purl.js';
import { parseRpmHeader, parseSourceRpm } from './rpm-header.js';

/**
 * Red Hat family and SUSE packages from rpm's database. The SQLite format (RHEL 9, Fedora 33+,
 * at `/var/lib/rpm/rpmdb.sqlite` or `/usr/lib/sysimage/rpm/rpmdb.sqlite`) is read with
 * better-sqlite3 from a private temporary copy: every row of `Packages` is an RPM header blob.
 * A `-wal` file beside it is copied too so SQLite replays it; without one, a WAL-mode header is
 * switched to rollback mode in the copy so the file opens read-only.
 *
 * Berkeley DB (`Packages`, RHEL ≤ 8, CentOS) and NDB (`Packages.db`, SUSE) are not read; the
 * SBOM says so in its notes rather than reporting an empty package list silently.
 * `gpg-pubkey` pseudo-packages (imported signing keys) are skipped.
 */
const DIRS = ['/var/lib/rpm', '/usr/lib/sysimage/rpm'];
const SQLITE = 'rpmdb.sqlite';
const UNSUPPORTED: Readonly<Record<string, string>> = { Packages: 'Berkeley DB', 'Packages.db': 'NDB' };
const WAL_SUFFIX = '-wal';

function split(path: string): { dir: string; base: string } {
  const slash = path.lastIndexOf('/');
  return { dir: path.slice(0, slash), base: path.slice(slash + 1) };
}

async function readHeaders(db: Buffer, wal: Buffer | undefined): Promise<Buffer[]> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-rpmdb-'));
  try {
    const file = join(dir, SQLITE);
    if (wal) {
      await writeFile(file, db);
      await writeFile(file + WAL_SUFFIX, wal);
    } else {
      const copy = Buffer.from(db);
      // Bytes 18 and 19 are the read/write format versions: 2 = WAL, 1 = rollback journal.
      if (copy.length >= 20 && copy[18] === 2) copy[18] = copy[19] = 1;
      await writeFile(file, copy);
    }
    const conn = new Database(file, { readonly: !wal, fileMustExist: true });
    try {
      return conn
        .prepare('SELECT blob FROM Packages')
        .all()
        .map((row) => (row as { blob: Buffer }).blob);
    } finally {
      conn.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function toPackage(blob: Buffer, location: string, os: ReturnType<typeof osEcosystem>): Package | undefined {
  const h = parseRpmHeader(blob);
  if (!h || h.name === 'gpg-pubkey') return undefined;
  const vr = `${h.version}-${h.release}`;
  const version = h.epoch ? `${h.epoch}:${vr}` : vr;
  const src = h.sourceRpm ? parseSourceRpm(h.sourceRpm) : undefined;
  return {
    name: h.name,
    version,
    type: 'os',
    ecosystem: os.ecosystem,
    purl: purl('rpm', os.namespace, h.name, vr, {
      arch: h.arch,
      epoch: h.epoch ? String(h.epoch) : undefined,
      distro: os.distroQualifier,
    }),
    sourceName: src?.name ?? h.name,
    sourceVersion: src ? (h.epoch ? `${h.epoch}:${src.version}` : src.version) : version,
    locations: [location],
    packageManager: 'OS',
  };
}

async function catalogSqlite(path: string, files: ReadonlyMap<string, Buffer>, context: CatalogContext): Promise<Package[]> {
  const os = osEcosystem(context, 'Red Hat', 'redhat', 'rpm');
  let blobs: Buffer[];
  try {
    blobs = await readHeaders(files.get(path)!, files.get(path + WAL_SUFFIX));
  } catch (err) {
    context.note(`rpm: cannot read ${path}: ${(err as Error).message}`);
    return [];
  }
  const out: Package[] = [];
  let bad = 0;
  for (const blob of blobs) {
    const p = toPackage(blob, path, os);
    if (p) out.push(p);
    else if (parseRpmHeader(blob) === undefined) bad++;
  }
  if (bad > 0) context.note(`rpm: ${bad} unreadable header(s) in ${path}`);
  return out;
}

export const rpmCataloger: Cataloger = {
  name: 'rpm',
  wants(path) {
    const { dir, base } = split(path);
    return DIRS.includes(dir) && (base === SQLITE || base === SQLITE + WAL_SUFFIX || Object.hasOwn(UNSUPPORTED, base));
  },
  // Only the SQLite file is read; for the other formats the SBOM records that they were there.
  reduce: (path, content) => (Object.hasOwn(UNSUPPORTED, split(path).base) ? Buffer.alloc(0) : content),
  async catalog(files, context) {
    const out: Package[] = [];
    for (const path of [...files.keys()].sort()) {
      const { base } = split(path);
      if (base === SQLITE) out.push(...(await catalogSqlite(path, files, context)));
      else if (Object.hasOwn(UNSUPPORTED, base)) context.note(`rpm: unsupported rpmdb format (${UNSUPPORTED[base]}) at ${path}`);
    }
    return out;
  },
};
