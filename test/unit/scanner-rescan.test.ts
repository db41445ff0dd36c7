// The CONTINUOUS_SCAN rescan re-matches only the SBOMs an advisory change can affect: after every
// import its findings must equal a full re-match of every SBOM against every stored advisory.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { digestOf, type Digest } from '../../src/domain/digest.js';
import { importAdvisories } from '../../src/scanner/advisories/import.js';
import type { OsvAdvisory } from '../../src/scanner/advisories/osv.js';
import { advisoryIndex, matchSbom, type ScanMode } from '../../src/scanner/match.js';
import type { Package, Sbom } from '../../src/scanner/sbom.js';
import { sbomLookupKeys, ScanService } from '../../src/scanner/scan-service.js';
import { SCANNING_CONFIGURATION_KEY } from '../../src/scanner/scanning-config.js';
import { FsBlobStore } from '../../src/storage/blob/fs-blob-store.js';
import type { MetadataStore } from '../../src/storage/metadata/metadata-store.js';
import { openSqliteMetadataStore } from '../../src/storage/metadata/open.js';

/** The package pool: Debian binaries keyed by source, npm, and PyPI names that normalise alike. */
const POOL: readonly Package[] = [
  ...['glibc', 'openssl', 'zlib', 'curl'].map((src, i): Package => ({
    name: `lib${src}${i}`,
    version: `1.${i}-1`,
    type: 'os',
    ecosystem: 'Debian:12',
    purl: `pkg:deb/debian/lib${src}${i}@1.${i}-1`,
    sourceName: src,
    sourceVersion: `1.${i}-1`,
    locations: ['/var/lib/dpkg/status'],
    packageManager: 'OS',
  })),
  ...['lodash', 'express', 'left-pad'].map((name, i): Package => ({
    name,
    version: `2.${i}.0`,
    type: 'language',
    ecosystem: 'npm',
    purl: `pkg:npm/${name}@2.${i}.0`,
    locations: [`/app/node_modules/${name}/package.json`],
    packageManager: 'NPM',
  })),
  // Another binary of a source above, and a second copy of an npm package (same purl, other place):
  // findings per package and the first per advisory and purl, as the memoised matcher must keep them.
  { name: 'libssl-dev', version: '1.1-1', type: 'os', ecosystem: 'Debian:12', purl: 'pkg:deb/debian/libssl-dev@1.1-1', sourceName: 'openssl', sourceVersion: '1.1-1', locations: ['/var/lib/dpkg/status'], packageManager: 'OS' },
  { name: 'lodash', version: '2.0.0', type: 'language', ecosystem: 'npm', purl: 'pkg:npm/lodash@2.0.0', locations: ['/app/node_modules/a/node_modules/lodash/package.json'], packageManager: 'NPM' },
  ...['Foo_Bar', 'requests'].map((name, i): Package => ({
    name,
    version: `3.${i}`,
    type: 'language',
    ecosystem: 'PyPI',
    purl: `pkg:pypi/${name}@3.${i}`,
    locations: ['/usr/lib/python3/dist-packages'],
    packageManager: 'PYTHONPKG',
  })),
];
/** How advisories name the pool's packages (foo-bar for Foo_Bar, in any spelling). */
const NAMES: readonly { ecosystem: string; name: string }[] = [
  ...['glibc', 'openssl', 'zlib', 'curl'].map((name) => ({ ecosystem: 'Debian:12', name })),
  ...['lodash', 'express', 'left-pad'].map((name) => ({ ecosystem: 'npm', name })),
  { ecosystem: 'PyPI', name: 'foo.bar' },
  { ecosystem: 'PyPI', name: 'Requests' },
];

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

describe('ScanService.rescan', () => {
  let dir: string;
  let metadata: MetadataStore;
  let clock: ManualClock;
  let scanner: ScanService;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-rescan-'));
    metadata = await openSqliteMetadataStore(join(dir, 'wharf.db'));
    clock = new ManualClock();
    scanner = new ScanService({ metadata, blobs: new FsBlobStore(join(dir, 'blobs'), clock), clock });
  });
  afterEach(async () => {
    await metadata.close();
    await rm(dir, { recursive: true, force: true });
  });

  const configure = (scanType: ScanMode) =>
    metadata.write((tx) =>
      tx.registry.set(
        SCANNING_CONFIGURATION_KEY,
        JSON.stringify({ scanType, rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: 'cont*', filterType: 'WILDCARD' }] }] }),
        clock.now(),
      ),
    );

  let imported = 0;
  const importDocs = async (docs: readonly OsvAdvisory[]) => {
    const files = [];
    for (const doc of docs) {
      const file = join(dir, `advisory-${imported++}.json`);
      await writeFile(file, JSON.stringify(doc));
      files.push(file);
    }
    clock.advance(60_000);
    return importAdvisories({ metadata, clock }, files);
  };

  /** An image in `repository` with the SBOM, scanned (stored SBOM: no layers read). */
  const scannedImage = async (repository: string, label: string, packages: readonly Package[]) => {
    const content = Buffer.from(JSON.stringify({ schemaVersion: 2, label }));
    const digest = digestOf(content);
    const sbom: Sbom = { imageDigest: digest, packages, notes: [] };
    const repositoryId = await metadata.write(async (tx) => {
      const repo = await tx.repositories.ensure(repository, clock.now());
      await tx.manifests.put(repo.id, { digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', content, references: [], imageSize: 0 }, clock.now());
      await tx.scans.putSbom(digest, JSON.stringify(sbom), sbomLookupKeys(sbom), clock.now());
      return repo.id;
    });
    await scanner.scan({ repositoryId, digest });
    return { repositoryId, repository, digest, sbom };
  };

  /** Every stored advisory, parsed: what a full re-match would use. */
  const storedAdvisories = (docs: ReadonlyMap<string, OsvAdvisory>) => advisoryIndex(docs.values());

  const findingsOf = async (image: { repositoryId: number; digest: Digest }) => metadata.read((tx) => tx.scans.get(image.repositoryId, image.digest));

  it('after each of many random imports, equals a full re-match of every SBOM, and re-matches only the SBOMs a change touches', async () => {
    const next = random(5);
    const docs = new Map<string, OsvAdvisory>();
    const advisoryDoc = (id: string, modified: number): OsvAdvisory => {
      const affected = Array.from({ length: 1 + next(2) }, () => {
        const pkg = NAMES[next(NAMES.length)]!;
        const bound = `${1 + next(4)}.${next(4)}${pkg.ecosystem === 'Debian:12' ? '-1' : pkg.ecosystem === 'npm' ? '.0' : ''}`;
        const range = next(3) === 0 ? { introduced: '0', last_affected: bound } : { introduced: '0', fixed: bound };
        return { package: pkg, ranges: [{ type: 'ECOSYSTEM' as const, events: Object.entries(range).map(([k, v]) => ({ [k]: v })) }] };
      });
      return {
        id,
        modified: new Date(Date.UTC(2024, 0, 1) + modified * 1000).toISOString(),
        aliases: [`CVE-2024-${id}`],
        ...(next(6) === 0 ? { withdrawn: '2024-06-01T00:00:00Z' } : {}),
        affected,
      } as OsvAdvisory;
    };
    let modified = 0;
    const update = async (count: number) => {
      const batch = Array.from({ length: count }, () => advisoryDoc(`ADV-${next(12)}`, ++modified));
      for (const doc of batch) docs.set(doc.id, doc);
      return importDocs(batch);
    };

    await configure('ENHANCED');
    await update(6);
    const images = [];
    for (let i = 0; i < 24; i++) {
      const packages = POOL.filter(() => next(3) === 0);
      images.push(await scannedImage(i % 4 === 3 ? 'manual/app' : `cont/app${i % 3}`, `image ${i}`, packages));
    }
    const continuous = images.filter((image) => image.repository.startsWith('cont'));
    let rematchedAtAll = 0;
    let unaffectedAtAll = 0;
    for (let round = 0; round < 12; round++) {
      if (round === 8) await configure('BASIC');
      const { version } = await update(1 + next(2));
      const counts = await scanner.rescan();
      expect(counts.rematched + counts.unaffected).toBe(continuous.length);
      if (round === 8) expect(counts.rematched).toBe(continuous.length); // a new mode re-matches everything
      rematchedAtAll += counts.rematched;
      unaffectedAtAll += counts.unaffected;
      const mode: ScanMode = round >= 8 ? 'BASIC' : 'ENHANCED';
      const index = storedAdvisories(docs);
      for (const image of continuous) {
        const scan = await findingsOf(image);
        expect(scan?.vulnDbVersion).toBe(version!.version);
        expect(scan?.scanType).toBe(mode);
        expect(scan?.sourceUpdatedAt).toEqual(version!.importedAt);
        // Byte for byte: the rescan's memoised matcher serialises as a full re-match would.
        expect(scan!.findings).toBe(JSON.stringify(matchSbom(image.sbom, index, mode)));
      }
    }
    // Most imports touch a few packages: both paths were taken, many times.
    expect(rematchedAtAll).toBeGreaterThan(20);
    expect(unaffectedAtAll).toBeGreaterThan(20);
    // Scans outside CONTINUOUS_SCAN stay as their scan left them.
    for (const image of images.filter((i) => !i.repository.startsWith('cont'))) expect((await findingsOf(image))?.vulnDbVersion).toBe(1);
  });

  it('re-matches an image when a changed advisory stops naming its package, and records the change', async () => {
    await configure('ENHANCED');
    const glibc = { ecosystem: 'Debian:12', name: 'glibc' };
    const doc = (modified: string, pkg: { ecosystem: string; name: string }): OsvAdvisory =>
      ({ id: 'DSA-1', modified, affected: [{ package: pkg, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '9.0-1' }] }] }] }) as OsvAdvisory;
    await importDocs([doc('2024-01-01T00:00:00Z', glibc)]);
    const withGlibc = await scannedImage('cont/a', 'glibc', [POOL[0]!]);
    const withZlib = await scannedImage('cont/a', 'zlib', [POOL[2]!]);
    const withLodash = await scannedImage('cont/b', 'lodash', [POOL[4]!]);
    expect(JSON.parse((await findingsOf(withGlibc))!.findings!)).toHaveLength(1);

    await importDocs([doc('2024-02-01T00:00:00Z', { ecosystem: 'Debian:12', name: 'zlib' })]);
    expect(await scanner.rescan()).toEqual({ rematched: 2, unaffected: 1, changed: 2 });
    expect(await findingsOf(withGlibc)).toMatchObject({ findings: '[]', vulnDbVersion: 2, findingsChanges: 1 });
    expect(JSON.parse((await findingsOf(withZlib))!.findings!)).toMatchObject([{ vulnerabilityId: 'DSA-1', package: { sourceName: 'zlib' } }]);
    expect(await findingsOf(withLodash)).toMatchObject({ findings: '[]', vulnDbVersion: 2, findingsChanges: 0 });
    const events = await metadata.read((tx) => tx.events.list({ limit: 10 }));
    const changes = events.filter((e) => e.type === 'image.scan.findings-changed').map((e) => e.detail);
    expect(changes).toHaveLength(2);
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ imageDigest: withGlibc.digest, findings: 0, vulnDbVersion: 2 }),
        expect.objectContaining({ imageDigest: withZlib.digest, findings: 1, vulnDbVersion: 2 }),
      ]),
    );
    // Nothing newer: nothing to do.
    expect(await scanner.rescan()).toEqual({ rematched: 0, unaffected: 0, changed: 0 });
  });
});
