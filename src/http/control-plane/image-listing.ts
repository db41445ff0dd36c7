import { Type, type Static } from '@sinclair/typebox';
import { digestAlgorithm, type Digest } from '../../domain/digest.js';
import { parseManifest } from '../../domain/manifest.js';
import { MANIFEST_KINDS } from '../../domain/media-types.js';
import type { ImageSummary, MetadataTx, Repository, StoredManifest } from '../../storage/metadata/metadata-store.js';
import { epochSeconds, type ActionContext } from './action.js';
import { registryIdOf } from './ecr-inputs.js';
import { findingsSummaryWire, imageScanStatusWire } from './scan-wire.js';
import { registryScanningConfiguration } from '../../scanner/scan-queue.js';
import { repositoryScanning } from '../../scanner/scanning-config.js';

export const TagStatusSchema = Type.Union([Type.Literal('TAGGED'), Type.Literal('UNTAGGED'), Type.Literal('ANY')]);
export type TagStatus = Static<typeof TagStatusSchema>;
export const ImageStatusFilterSchema = Type.Union([Type.Literal('ACTIVE'), Type.Literal('ARCHIVED'), Type.Literal('ACTIVATING'), Type.Literal('ANY')]);

/** Whether a listing filtered by `imageStatus` selects active artifacts (referrers are never archived on their own). */
export function isActive(statusFilter: string | undefined): boolean {
  return statusFilter === undefined || statusFilter === 'ACTIVE' || statusFilter === 'ANY';
}

/** ECR's imageStatus: ARCHIVE-class images are ARCHIVED (restores are immediate, so never ACTIVATING). */
export function imageStatusOf(image: Pick<ImageSummary, 'storageClass'>): 'ACTIVE' | 'ARCHIVED' {
  return image.storageClass === 'ARCHIVE' ? 'ARCHIVED' : 'ACTIVE';
}

/** The `imageStatus` filter of DescribeImages/ListImages; without one, only ACTIVE images are listed. */
export function matchesImageStatus(image: ImageSummary, statusFilter: string | undefined): boolean {
  return statusFilter === 'ANY' || imageStatusOf(image) === (statusFilter ?? 'ACTIVE');
}

export function matchesTagStatus(image: ImageSummary, status: TagStatus): boolean {
  return status === 'ANY' || (status === 'TAGGED') === image.tags.length > 0;
}

/** Images are read in batches, each in its own short read transaction. */
const BATCH_SIZE = 250;

/** The repository's images in digest order, strictly after `after`. */
export async function* imagesFrom(context: ActionContext, repository: Repository, after?: Digest): AsyncGenerator<ImageSummary> {
  let cursor = after;
  for (;;) {
    const batch = await context.services.metadata.read((tx) => tx.manifests.listImages(repository.id, { after: cursor, limit: BATCH_SIZE }));
    yield* batch;
    if (batch.length < BATCH_SIZE) return;
    cursor = batch[batch.length - 1]!.digest;
  }
}

/** ECR's ImageDetail for each image; an index's size is its largest child's, as ECR reports it. */
export async function imageDetails(context: ActionContext, repository: Repository, images: readonly ImageSummary[]): Promise<unknown[]> {
  const indexes = images.filter((i) => MANIFEST_KINDS[i.mediaType] === 'index');
  const { indexSizes, scans } = await context.services.metadata.read(async (tx) => ({
    indexSizes: indexes.length === 0 ? new Map<Digest, number>() : await largestChildSizes(tx, repository, indexes),
    scans: await imageScanFields(tx, repository, images),
  }));
  return images.map((image) => ({
    registryId: registryIdOf(context),
    repositoryName: repository.name,
    imageDigest: image.digest,
    ...(image.tags.length > 0 ? { imageTags: image.tags } : {}),
    imageSizeInBytes: indexSizes.get(image.digest) ?? image.imageSize,
    imagePushedAt: epochSeconds(image.pushedAt),
    ...(image.lastPulledAt ? { lastRecordedPullTime: epochSeconds(image.lastPulledAt) } : {}),
    imageManifestMediaType: image.mediaType,
    ...(image.artifactType === undefined ? {} : { artifactMediaType: image.artifactType }),
    ...(image.subject === undefined ? {} : { subjectManifestDigest: image.subject }),
    ...scans.get(image.digest),
    imageStatus: imageStatusOf(image),
    ...(image.lastArchivedAt ? { lastArchivedAt: epochSeconds(image.lastArchivedAt) } : {}),
    ...(image.lastActivatedAt ? { lastActivatedAt: epochSeconds(image.lastActivatedAt) } : {}),
  }));
}

async function largestChildSizes(tx: MetadataTx, repository: Repository, indexes: readonly ImageSummary[]): Promise<Map<Digest, number>> {
  const sizes = new Map<Digest, number>();
  for (const index of indexes) {
    let largest = 0;
    for (const child of childrenOf(await tx.manifests.get(repository.id, index.digest))) {
      largest = Math.max(largest, (await tx.manifests.getImage(repository.id, child))?.imageSize ?? 0);
    }
    sizes.set(index.digest, largest);
  }
  return sizes;
}

function childrenOf(stored: StoredManifest | undefined): readonly Digest[] {
  if (!stored) return [];
  try {
    return parseManifest(stored.content, stored.mediaType, digestAlgorithm(stored.digest)).children;
  } catch {
    return []; // stored manifests were validated on push; nothing to add if one no longer parses
  }
}

/** DescribeImages' imageScanStatus and imageScanFindingsSummary, for the images that have a scan. */
async function imageScanFields(tx: MetadataTx, repository: Repository, images: readonly ImageSummary[]): Promise<Map<Digest, Record<string, unknown>>> {
  const scans = await tx.scans.summaries(repository.id, images.map((i) => i.digest));
  if (scans.size === 0) return new Map();
  const continuous = repositoryScanning(await registryScanningConfiguration(tx), repository.name, repository.settings.scanOnPush).scanFrequency === 'CONTINUOUS_SCAN';
  const fields = new Map<Digest, Record<string, unknown>>();
  for (const [digest, scan] of scans) {
    const summary = findingsSummaryWire(scan);
    fields.set(digest, { imageScanStatus: imageScanStatusWire(scan, continuous), ...(summary ? { imageScanFindingsSummary: summary } : {}) });
  }
  return fields;
}
