import type { Digest } from '../domain/digest.js';
import { MANIFEST_KINDS } from '../domain/media-types.js';
import type { MetadataTx } from '../storage/metadata/metadata-store.js';
import type { ScanService, ScanServiceOptions } from './scan-service.js';
import { parseScanningConfiguration, repositoryScanning, SCANNING_CONFIGURATION_KEY, type RegistryScanningConfiguration } from './scanning-config.js';

/**
 * What the request path needs of scanning: the job queues, enqueueing scans, the registry's
 * scanning configuration. The scanner itself (catalogers, matchers, CVSS) is loaded only when a
 * job or an SBOM needs it, see `lazyScanService`.
 */

/** Re-matches stored SBOMs after an advisory import changed the database. */
export const RESCAN_QUEUE = 'rescan';

export const SCAN_QUEUE = 'scan';

export interface ScanJob {
  readonly repositoryId: number;
  readonly digest: Digest;
}

const IMAGE_CONFIG_TYPES: ReadonlySet<string> = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);

/** Marks the image's scan IN_PROGRESS and enqueues its job, in the caller's transaction. */
export async function enqueueScan(tx: MetadataTx, job: ScanJob, now: Date, options: { readonly manual?: boolean } = {}): Promise<void> {
  await tx.scans.begin(job.repositoryId, job.digest, now, options);
  await tx.jobs.enqueue({ queue: SCAN_QUEUE, payload: job, singletonKey: `scan:${job.repositoryId}:${job.digest}` }, now);
}

export async function registryScanningConfiguration(tx: MetadataTx): Promise<RegistryScanningConfiguration> {
  return parseScanningConfiguration(await tx.registry.get(SCANNING_CONFIGURATION_KEY));
}

/**
 * The push hook (ManifestService, in the push's transaction): scans the pushed image when the
 * repository scans on push or continuously; an index has each of its image manifests scanned.
 */
export async function enqueueScansOnPush(
  tx: MetadataTx,
  repository: { readonly id: number; readonly name: string; readonly settings: { readonly scanOnPush: boolean } },
  manifest: { readonly digest: Digest; readonly mediaType: string; readonly children: readonly Digest[] },
  now: Date,
): Promise<void> {
  const scanning = repositoryScanning(await registryScanningConfiguration(tx), repository.name, repository.settings.scanOnPush);
  if (scanning.scanFrequency === 'MANUAL') return;
  const digests = MANIFEST_KINDS[manifest.mediaType] === 'index' ? manifest.children : [manifest.digest];
  for (const digest of digests) await enqueueScan(tx, { repositoryId: repository.id, digest }, now);
}

/** Why an image manifest cannot be scanned (ECR: UNSUPPORTED_IMAGE), or its layers. */
export function scannableLayers(mediaType: string, content: Buffer): { layers: { digest: string; mediaType: string }[] } | { unsupported: string } {
  if (MANIFEST_KINDS[mediaType] !== 'image') return { unsupported: 'The operation is not supported for this image type: scan the image manifests an index lists.' };
  const doc = JSON.parse(content.toString('utf8')) as { config?: { mediaType?: string }; layers?: { digest: string; mediaType: string }[] };
  if (!IMAGE_CONFIG_TYPES.has(doc.config?.mediaType ?? '')) return { unsupported: `UnsupportedImageError: artifacts of type ${doc.config?.mediaType ?? 'unknown'} are not scanned.` };
  return { layers: doc.layers ?? [] };
}

/**
 * The scan service, loaded on first use: a server keeps tar-stream, the version schemes and the
 * CVSS calculator out of memory until an image is scanned or an SBOM is asked for.
 */
export function lazyScanService(options: ScanServiceOptions): () => Promise<ScanService> {
  let loading: Promise<ScanService> | undefined;
  return () => (loading ??= import('./scan-service.js').then(({ ScanService }) => new ScanService(options)));
}
