// Scanner figures for `npm run bench` (and `node dist/bench/scanning.js [--quick]` alone):
// 1. the CONTINUOUS_SCAN rescan job over 10,000 stored SBOMs (a real SQLite MetadataStore) after
//    an advisory update: a typical one (a package 2% of the images carry: only those SBOMs are
//    re-matched, the rest marked current) and the worst case (a new advisory for a package every
//    image carries: every SBOM re-matched), and
// 2. cataloging one large layer (a streamed tar with a dpkg database among filler files):
//    MiB/s and the process's peak RSS, which must stay flat whatever the layer size.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import tar from 'tar-stream';
import { systemClock } from '../src/domain/clock.js';
import { digestOf } from '../src/domain/digest.js';
import { advisoryPackageKeys } from '../src/scanner/advisory-keys.js';
import { DEFAULT_CATALOGERS } from '../src/scanner/catalogers/index.js';
import { catalogImage } from '../src/scanner/layers.js';
import { sbomLookupKeys, ScanService } from '../src/scanner/scan-service.js';
import type { Package, Sbom } from '../src/scanner/sbom.js';
import { SCANNING_CONFIGURATION_KEY } from '../src/scanner/scanning-config.js';
import { FsBlobStore } from '../src/storage/blob/fs-blob-store.js';
import { openSqliteMetadataStore } from '../src/storage/metadata/open.js';

const MiB = 1024 * 1024;

export interface ScanningBenchResult {
  readonly sboms: number;
  readonly packagesPerSbom: number;
  readonly advisories: number;
  readonly rescanSeconds: number;
  readonly rescanRematched: number;
  readonly rescanChanged: number;
  readonly worstSeconds: number;
  readonly worstRematched: number;
  readonly worstChanged: number;
  readonly layerMiB: number;
  readonly catalogMiBPerSecond: number;
  readonly peakRssMiB: number;
}

function advisory(id: string, ecosystem: string, name: string, fixed: string) {
  return {
    id,
    modified: '2024-01-01T00:00:00Z',
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }],
    affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
  };
}

/** 10,000 SBOMs of 50 base images' OS packages (glibc in all of them) plus per-image npm packages. */
function sbomFor(i: number, packagesPerSbom: number): Sbom {
  const packages: Package[] = [];
  for (let p = 0; p < packagesPerSbom; p++) {
    const os = p % 2 === 0;
    const everywhere = p === packagesPerSbom - 2;
    const n = os ? (i % 50) * 7 + p : (i * 31 + p) % 3000;
    const name = everywhere ? 'libc6' : os ? `lib${n}` : `pkg-${n}`;
    packages.push({
      name,
      version: os ? `1.${p % 10}-1` : `1.${p % 10}.0`,
      type: os ? 'os' : 'language',
      ecosystem: os ? 'Debian:12' : 'npm',
      purl: os ? `pkg:deb/debian/${name}@1.${p % 10}-1` : `pkg:npm/${name}@1.${p % 10}.0`,
      ...(os ? { sourceName: everywhere ? 'glibc' : `src${n}`, sourceVersion: `1.${p % 10}-1` } : {}),
      locations: [os ? '/var/lib/dpkg/status' : `/app/node_modules/${name}/package.json`],
      packageManager: os ? 'OS' : 'NPM',
    });
  }
  return { imageDigest: digestOf(Buffer.from(`image ${i}`)), packages, notes: [] };
}

type RescanFigures = Pick<ScanningBenchResult, 'sboms' | 'packagesPerSbom' | 'advisories' | 'rescanSeconds' | 'rescanRematched' | 'rescanChanged' | 'worstSeconds' | 'worstRematched' | 'worstChanged'>;

export async function rescanBench(options: { sboms: number; packagesPerSbom: number; advisories: number }): Promise<RescanFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-scan-'));
  const metadata = await openSqliteMetadataStore(join(dir, 'wharf.db'));
  try {
    const now = systemClock.now();
    const docs = Array.from({ length: options.advisories }, (_, i) =>
      i % 2 === 0 ? advisory(`BENCH-${i}`, 'Debian:12', `src${(i / 2) % 4000}`, '1.5-1') : advisory(`BENCH-${i}`, 'npm', `pkg-${i % 3000}`, '1.5.0'),
    );
    await metadata.write(async (tx) => {
      for (const d of docs) await tx.advisories.put({ id: d.id, modified: d.modified, document: JSON.stringify(d), packages: advisoryPackageKeys(d) }, now);
      await tx.registry.set(SCANNING_CONFIGURATION_KEY, JSON.stringify({ scanType: 'ENHANCED', rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: '*', filterType: 'WILDCARD' }] }] }), now);
      await tx.advisories.recordVersion({ added: docs.length, updated: 0 }, now);
    });
    // Stored SBOMs with completed scans at version 1, in batches of 500 per transaction.
    for (let start = 0; start < options.sboms; start += 500) {
      await metadata.write(async (tx) => {
        const repo = await tx.repositories.ensure(`bench/repo-${Math.floor(start / 2000)}`, now);
        for (let i = start; i < Math.min(options.sboms, start + 500); i++) {
          const sbom = sbomFor(i, options.packagesPerSbom);
          const content = Buffer.from(JSON.stringify({ schemaVersion: 2, i }));
          const digest = sbom.imageDigest as ReturnType<typeof digestOf>;
          await tx.manifests.put(repo.id, { digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', content, references: [], imageSize: 0 }, now);
          await tx.scans.putSbom(digest, JSON.stringify(sbom), sbomLookupKeys(sbom), now);
          await tx.scans.complete(repo.id, digest, { scanType: 'ENHANCED', findings: '[]', severityCounts: {}, vulnDbVersion: 0 }, now);
        }
      });
    }
    const scanner = new ScanService({ metadata, blobs: new FsBlobStore(join(dir, 'blobs'), systemClock), clock: systemClock });
    // The first re-match stores every image's real findings (untimed): the state before an update.
    await scanner.rescan();
    // An advisory update (one advisory, a new database version), then the timed rescan.
    const update = async (d: ReturnType<typeof advisory>, counts: { added: number; updated: number }) => {
      await metadata.write(async (tx) => {
        await tx.advisories.put({ id: d.id, modified: d.modified, document: JSON.stringify(d), packages: advisoryPackageKeys(d) }, now);
        await tx.advisories.recordVersion(counts, now);
      });
      const started = process.hrtime.bigint();
      const { rematched, changed } = await scanner.rescan();
      return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rematched, changed };
    };
    const typical = await update({ ...advisory('BENCH-0', 'Debian:12', 'src0', '1.9-1'), modified: '2024-02-01T00:00:00Z' }, { added: 0, updated: 1 });
    const worst = await update(advisory('BENCH-GLIBC', 'Debian:12', 'glibc', '1.9-1'), { added: 1, updated: 0 });
    return {
      ...options,
      rescanSeconds: typical.seconds,
      rescanRematched: typical.rematched,
      rescanChanged: typical.changed,
      worstSeconds: worst.seconds,
      worstRematched: worst.rematched,
      worstChanged: worst.changed,
    };
  } finally {
    await metadata.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A tar stream of `sizeMiB` of 1 MiB filler files, with a dpkg database in the middle, generated as it is read. */
function largeLayer(sizeMiB: number): Readable {
  const pack = tar.pack();
  const filler = Buffer.alloc(MiB, 7);
  const status = Array.from({ length: 500 }, (_, i) => `Package: lib${i}\nStatus: install ok installed\nVersion: 1.${i}-1\n`).join('\n');
  (async () => {
    for (let i = 0; i < sizeMiB; i++) {
      if (i === Math.floor(sizeMiB / 2)) pack.entry({ name: 'var/lib/dpkg/status' }, status);
      await new Promise<void>((resolve, reject) => pack.entry({ name: `data/file-${i}.bin`, size: filler.length }, filler, (err) => (err ? reject(err) : resolve())));
    }
    pack.finalize();
  })().catch((err: unknown) => pack.destroy(err as Error));
  return pack as unknown as Readable;
}

export async function catalogBench(sizeMiB: number): Promise<Pick<ScanningBenchResult, 'layerMiB' | 'catalogMiBPerSecond' | 'peakRssMiB'>> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = process.hrtime.bigint();
  try {
    const sbom = await catalogImage(
      [{ digest: 'sha256:bench', mediaType: 'application/vnd.oci.image.layer.v1.tar', open: async () => largeLayer(sizeMiB) }],
      DEFAULT_CATALOGERS,
      { imageDigest: 'sha256:bench' },
    );
    if (sbom.packages.length !== 500) throw new Error(`catalog found ${sbom.packages.length} packages, not 500`);
  } finally {
    clearInterval(timer);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  peak = Math.max(peak, process.memoryUsage().rss);
  return { layerMiB: sizeMiB, catalogMiBPerSecond: sizeMiB / seconds, peakRssMiB: peak / MiB };
}

export async function scanningBench(quick: boolean): Promise<ScanningBenchResult> {
  // Cataloging first: its peak RSS is the process's, which the rescan's heap would otherwise inflate.
  const catalog = await catalogBench(quick ? 256 : 2048);
  const rescan = await rescanBench({ sboms: 10_000, packagesPerSbom: quick ? 100 : 200, advisories: quick ? 2_000 : 10_000 });
  return { ...rescan, ...catalog };
}

export function renderScanningBench(r: ScanningBenchResult): string {
  return [
    'Scanner',
    `  rescan ${r.sboms} stored SBOMs (${r.packagesPerSbom} packages each, ${r.advisories} advisories) after an advisory update: ${r.rescanSeconds.toFixed(2)} s (${r.rescanRematched} re-matched, ${r.rescanChanged} findings changed)`,
    `  worst case, a new advisory for a package in every image: ${r.worstSeconds.toFixed(2)} s (${r.worstRematched} re-matched, ${r.worstChanged} findings changed)`,
    `  catalog a ${r.layerMiB} MiB layer: ${r.catalogMiBPerSecond.toFixed(0)} MiB/s, peak RSS ${r.peakRssMiB.toFixed(0)} MiB`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  scanningBench(process.argv.includes('--quick'))
    .then((r) => console.log(renderScanningBench(r)))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
