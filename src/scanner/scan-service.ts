import type { Clock } from '../domain/clock.js';
import type { Digest } from '../domain/digest.js';
import type { BlobStore } from '../storage/blob/blob-store.js';
import type { MetadataStore, MetadataTx, PackageNames, ScanType, StaleScan } from '../storage/metadata/metadata-store.js';
import type { OsvAdvisory } from './advisories/osv.js';
import { advisoryPackageKeys, keyString, type PackageKey } from './advisory-keys.js';
import { DEFAULT_CATALOGERS, type Cataloger } from './catalogers/index.js';
import { catalogImage, type LayerBlob } from './layers.js';
import { SbomMatcher, sbomPackageKeys } from './match.js';
import type { Sbom } from './sbom.js';
import { registryScanningConfiguration, scannableLayers, type ScanJob } from './scan-queue.js';
import { repositoryScanning } from './scanning-config.js';

/**
 * Scans as jobs. `scan` (one per image at a time: singleton key) catalogs an image manifest's
 * layers once, stores the SBOM, matches it and stores the findings. `rescan` (after a vulndb
 * import changed something) re-matches the stored SBOMs of images under CONTINUOUS_SCAN against
 * the new database, without reading layers, and records an event where findings changed.
 */

export interface ScanServiceOptions {
  readonly metadata: MetadataStore;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  readonly catalogers?: readonly Cataloger[];
}

const RESCAN_PAGE = 200;

export class ScanService {
  constructor(private readonly options: ScanServiceOptions) {}

  /** The image's SBOM: the stored one, or cataloged from its layers now (and stored). */
  async sbomFor(repositoryId: number, digest: Digest): Promise<Sbom> {
    const { metadata, blobs, clock } = this.options;
    const { stored, manifest } = await metadata.read(async (tx) => ({ stored: await tx.scans.getSbom(digest), manifest: await tx.manifests.get(repositoryId, digest) }));
    if (stored !== undefined) return JSON.parse(stored) as Sbom;
    if (!manifest) throw new Error(`manifest ${digest} is gone`);
    const scannable = scannableLayers(manifest.mediaType, manifest.content);
    if ('unsupported' in scannable) throw new UnsupportedImage(scannable.unsupported);
    const layers: LayerBlob[] = scannable.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, open: () => blobs.open(l.digest as Digest) }));
    const sbom = await catalogImage(layers, this.options.catalogers ?? DEFAULT_CATALOGERS, { imageDigest: digest });
    await metadata.write((tx) => tx.scans.putSbom(digest, JSON.stringify(sbom), sbomLookupKeys(sbom), clock.now()));
    return sbom;
  }

  /** The `scan` job. */
  async scan(job: ScanJob): Promise<void> {
    const { metadata, clock } = this.options;
    const exists = await metadata.read(async (tx) => (await tx.manifests.get(job.repositoryId, job.digest)) !== undefined);
    if (!exists) return; // deleted since: nothing to report on
    let sbom: Sbom;
    try {
      sbom = await this.sbomFor(job.repositoryId, job.digest);
    } catch (err) {
      const unsupported = err instanceof UnsupportedImage;
      await metadata.write((tx) => tx.scans.fail(job.repositoryId, job.digest, unsupported ? 'UNSUPPORTED_IMAGE' : 'FAILED', (err as Error).message, clock.now()));
      if (unsupported) return;
      throw err;
    }
    const { scanType, cache } = await metadata.read(async (tx) => ({ scanType: (await registryScanningConfiguration(tx)).scanType, cache: new AdvisoryCache() }));
    await metadata.write(async (tx) => {
      const version = await tx.advisories.currentVersion();
      await cache.prefetch(tx, sbomPackageKeys(sbom, scanType));
      const matcher = new SbomMatcher((key) => cache.lookup(key), scanType);
      await this.#complete(tx, { repositoryId: job.repositoryId, digest: job.digest }, sbom, scanType, matcher, version);
    });
  }

  /**
   * The `rescan` job: brings every completed scan under CONTINUOUS_SCAN that is older than the
   * database up to date, page by page, until no newer version arrived meanwhile. Only a scan whose
   * SBOM names a package that an advisory added or changed since its version names (before or
   * after the change) can see different findings: those are re-matched, and so are scans of
   * another mode or of unknown version or packages. The rest keep their findings and are marked
   * current, a statement per page. One SbomMatcher serves the whole pass: a package many images
   * carry is matched and serialised once. Returns counts.
   */
  async rescan(): Promise<{ rematched: number; unaffected: number; changed: number }> {
    const { metadata, clock } = this.options;
    let rematched = 0;
    let unaffected = 0;
    let changed = 0;
    for (;;) {
      const { version, config } = await metadata.read(async (tx) => ({ version: await tx.advisories.currentVersion(), config: await registryScanningConfiguration(tx) }));
      if (!version) return { rematched, unaffected, changed };
      const cache = new AdvisoryCache();
      const matcher = new SbomMatcher((key) => cache.lookup(key), config.scanType);
      const changes = new ChangedPackages(version.version);
      const affected = (scan: StaleScan) =>
        scan.vulnDbVersion === undefined ||
        scan.scanType !== config.scanType ||
        scan.packages === undefined ||
        changes.touchAny(scan.packages, scan.vulnDbVersion);
      let after: StaleScan | undefined;
      for (;;) {
        const page: StaleScan[] = await metadata.read((tx) => tx.scans.listStale(version.version, { after, limit: RESCAN_PAGE }));
        if (page.length === 0) break;
        after = page[page.length - 1];
        const due = page.filter((s) => repositoryScanning(config, s.repositoryName, false).scanFrequency === 'CONTINUOUS_SCAN');
        if (due.length === 0) continue;
        const { sboms, current } = await metadata.read(async (tx) => {
          await changes.load(tx, Math.min(...due.map((s) => s.vulnDbVersion ?? version.version)));
          const found: { scan: StaleScan; sbom: Sbom }[] = [];
          const current: StaleScan[] = [];
          const rematch: StaleScan[] = [];
          for (const scan of due) (affected(scan) ? rematch : current).push(scan);
          const texts = await tx.scans.getSboms(rematch.map((s) => s.digest));
          for (const scan of rematch) {
            const text = texts.get(scan.digest);
            if (text !== undefined) found.push({ scan, sbom: JSON.parse(text) as Sbom });
          }
          await cache.prefetch(tx, found.flatMap((f) => sbomPackageKeys(f.sbom, config.scanType)));
          return { sboms: found, current };
        });
        await metadata.write(async (tx) => {
          for (const { scan, sbom } of sboms) {
            rematched++;
            if (scan.packages === undefined) await tx.scans.setSbomPackages(scan.digest, sbomLookupKeys(sbom));
            if (await this.#complete(tx, scan, sbom, config.scanType, matcher, version, scan.repositoryName)) changed++;
          }
          await tx.scans.markCurrent(current, { scanType: config.scanType, vulnDbVersion: version.version, sourceUpdatedAt: version.importedAt }, clock.now());
          unaffected += current.length;
        });
      }
      const latest = await metadata.read((tx) => tx.advisories.currentVersion());
      if (!latest || latest.version <= version.version) return { rematched, unaffected, changed };
    }
  }

  async #complete(
    tx: MetadataTx,
    scan: { repositoryId: number; digest: Digest },
    sbom: Sbom,
    scanType: ScanType,
    matcher: SbomMatcher,
    version: { version: number; importedAt: Date } | undefined,
    repositoryName?: string,
  ): Promise<boolean> {
    const now = this.options.clock.now();
    const { json, count, severityCounts: counts } = matcher.match(sbom);
    const changed = await tx.scans.complete(
      scan.repositoryId,
      scan.digest,
      { scanType, findings: json, severityCounts: counts, vulnDbVersion: version?.version ?? 0, sourceUpdatedAt: version?.importedAt },
      now,
    );
    if (changed) {
      await tx.events.append({
        at: now,
        type: 'image.scan.findings-changed',
        actor: 'scanner',
        repository: repositoryName,
        detail: { imageDigest: scan.digest, findingSeverityCounts: counts, findings: count, vulnDbVersion: version?.version ?? 0 },
      });
    }
    return changed;
  }
}

export class UnsupportedImage extends Error {
  override readonly name = 'UnsupportedImage';
}

/** The packages an SBOM is looked up by in any mode (ENHANCED's are a superset of BASIC's), stored with it for rescans. */
export function sbomLookupKeys(sbom: Sbom): PackageKey[] {
  return sbomPackageKeys(sbom, 'ENHANCED');
}

/**
 * For a rescan to version `upTo`: the latest version up to it that changed each package, loaded
 * back to the oldest version a scan was matched against (so an older scan loads older changes).
 */
class ChangedPackages {
  readonly #latest = new Map<string, Map<string, number>>();
  #loadedAfter: number;

  constructor(upTo: number) {
    this.#loadedAfter = upTo;
  }

  async load(tx: MetadataTx, after: number): Promise<void> {
    if (after >= this.#loadedAfter) return;
    for (const change of await tx.advisories.changedPackages(after, this.#loadedAfter)) {
      const names = this.#latest.get(change.ecosystem) ?? new Map<string, number>();
      names.set(change.name, Math.max(names.get(change.name) ?? 0, change.version));
      this.#latest.set(change.ecosystem, names);
    }
    this.#loadedAfter = after;
  }

  /** Whether a change after `version` names any of the packages. */
  touchAny(packages: PackageNames, version: number): boolean {
    for (const [ecosystem, names] of Object.entries(packages)) {
      const latest = this.#latest.get(ecosystem);
      if (latest && names.some((name) => (latest.get(name) ?? 0) > version)) return true;
    }
    return false;
  }
}

/** Advisories by package key, fetched once per key for a scan or a whole rescan. */
class AdvisoryCache {
  readonly #byKey = new Map<string, OsvAdvisory[]>();

  async prefetch(tx: MetadataTx, keys: readonly PackageKey[]): Promise<void> {
    const missing = keys.filter((k) => !this.#byKey.has(keyString(k)));
    if (missing.length === 0) return;
    const fetching = new Set(missing.map(keyString));
    for (const k of fetching) this.#byKey.set(k, []);
    for (const stored of await tx.advisories.forPackages(missing)) {
      const advisory = JSON.parse(stored.document) as OsvAdvisory;
      for (const key of advisoryPackageKeys(advisory)) if (fetching.has(keyString(key))) this.#byKey.get(keyString(key))!.push(advisory);
    }
  }

  lookup(key: PackageKey): readonly OsvAdvisory[] {
    return this.#byKey.get(keyString(key)) ?? [];
  }
}
