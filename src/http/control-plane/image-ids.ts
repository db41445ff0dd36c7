import { Type } from '@sinclair/typebox';
import { parseDigest, type Digest } from '../../domain/digest.js';
import { isValidTag } from '../../domain/names.js';
import { RegistryError } from '../../errors/registry-error.js';
import type { Repository } from '../../storage/metadata/metadata-store.js';
import type { ActionContext } from './action.js';

/** ECR's ImageIdentifier as requests carry it; the digest is judged per id (InvalidImageDigest), not by the schema. */
export const ImageIdentifierSchema = Type.Object(
  { imageDigest: Type.Optional(Type.String()), imageTag: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })) },
  { additionalProperties: false },
);
export const ImageIdentifierListSchema = Type.Array(ImageIdentifierSchema, { minItems: 1, maxItems: 100 });

export interface ImageId {
  readonly imageDigest?: string | undefined;
  readonly imageTag?: string | undefined;
}

/** ECR's ImageFailureCode values this registry produces (plus UnsupportedImageType for BatchGetImage). */
export type ImageFailureCode =
  | 'InvalidImageDigest'
  | 'InvalidImageTag'
  | 'ImageTagDoesNotMatchDigest'
  | 'ImageNotFound'
  | 'MissingDigestAndTag'
  | 'ImageReferencedByManifestList'
  | 'UnsupportedImageType';

export interface ImageFailure {
  readonly imageId: ImageId;
  readonly failureCode: ImageFailureCode;
  readonly failureReason: string;
}

const FAILURE_REASONS: Readonly<Record<ImageFailureCode, string>> = {
  MissingDigestAndTag: 'Invalid request parameters: both tag and digest cannot be null',
  InvalidImageDigest: "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'",
  InvalidImageTag: "Invalid request parameters: image tag should satisfy the regex '[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}'",
  ImageTagDoesNotMatchDigest: 'Invalid request parameters: given tag does not map to the given digest',
  ImageNotFound: 'Requested image not found',
  ImageReferencedByManifestList: 'Requested image is referenced by an image index in the repository',
  UnsupportedImageType: 'The image manifest media type is not among the accepted media types',
};

export function imageFailure(imageId: ImageId, failureCode: ImageFailureCode): ImageFailure {
  return { imageId: wireImageId(imageId), failureCode, failureReason: FAILURE_REASONS[failureCode] };
}

/** An image id resolved to a stored manifest; `tag` is set when the request named one. */
export interface FoundImage {
  readonly requested: ImageId;
  readonly digest: Digest;
  readonly tag?: string | undefined;
}

export type ImageLookup = { readonly found: FoundImage } | { readonly failure: ImageFailure };

/** The id as ECR's responses carry it: only the members that are set. */
export function wireImageId(id: ImageId): { imageDigest?: string; imageTag?: string } {
  return { ...(id.imageDigest === undefined ? {} : { imageDigest: id.imageDigest }), ...(id.imageTag === undefined ? {} : { imageTag: id.imageTag }) };
}

/** The requested ids without exact repeats, in request order. */
export function uniqueImageIds<T extends ImageId>(ids: readonly T[]): T[] {
  const seen = new Set<string>();
  return ids.filter((id) => {
    const key = `${id.imageDigest ?? ''}\u0000${id.imageTag ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type ParsedId = { readonly digest?: Digest | undefined; readonly tag?: string | undefined };

/** Syntax checks, in ECR's order: something given, the digest well-formed, the tag well-formed. */
function parseImageId(id: ImageId): ParsedId | ImageFailure {
  if (id.imageDigest === undefined && id.imageTag === undefined) return imageFailure(id, 'MissingDigestAndTag');
  let digest: Digest | undefined;
  if (id.imageDigest !== undefined) {
    try {
      digest = parseDigest(id.imageDigest);
    } catch {
      return imageFailure(id, 'InvalidImageDigest');
    }
  }
  if (id.imageTag !== undefined && !isValidTag(id.imageTag)) return imageFailure(id, 'InvalidImageTag');
  return { digest, tag: id.imageTag };
}

/**
 * Resolves image ids (tag, digest, or both, which must agree) against the repository in one
 * read transaction; each id yields the image found or the ECR failure explaining why not.
 */
export async function lookupImageIds(context: ActionContext, repository: Repository, ids: readonly ImageId[]): Promise<ImageLookup[]> {
  const parsed = ids.map((id) => ({ id, parsed: parseImageId(id) }));
  return context.services.metadata.read(async (tx) => {
    const results: ImageLookup[] = [];
    for (const { id, parsed: p } of parsed) {
      if ('failureCode' in p) {
        results.push({ failure: p });
        continue;
      }
      const tagged = p.tag === undefined ? undefined : await tx.tags.get(repository.id, p.tag);
      if (p.tag !== undefined && tagged === undefined) {
        results.push({ failure: imageFailure(id, 'ImageNotFound') });
      } else if (tagged !== undefined && p.digest !== undefined && tagged !== p.digest) {
        results.push({ failure: imageFailure(id, 'ImageTagDoesNotMatchDigest') });
      } else if (tagged !== undefined) {
        results.push({ found: { requested: id, digest: tagged, tag: p.tag } });
      } else if ((await tx.manifests.existing(repository.id, [p.digest!])).size === 0) {
        results.push({ failure: imageFailure(id, 'ImageNotFound') });
      } else {
        results.push({ found: { requested: id, digest: p.digest! } });
      }
    }
    return results;
  });
}

/** ECR's ImageNotFoundException message for an id that names no image. */
export function imageNotFoundMessage(context: ActionContext, repository: Repository, id: ImageId): string {
  return (
    `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist ` +
    `within the repository with name '${repository.name}' in the registry with id '${context.services.config.accountId}'`
  );
}

/** A lookup failure as the error that fails the whole call: the image is not found, or the id is invalid. */
export function imageLookupError(context: ActionContext, repository: Repository, failure: ImageFailure): RegistryError {
  if (failure.failureCode === 'ImageNotFound' || failure.failureCode === 'ImageTagDoesNotMatchDigest') {
    return new RegistryError('MANIFEST_UNKNOWN', imageNotFoundMessage(context, repository, failure.imageId));
  }
  return new RegistryError('INVALID_PARAMETER', failure.failureReason);
}

/** The one image an action names, or the error ECR answers when it cannot be resolved. */
export async function resolveImageId(context: ActionContext, repository: Repository, imageId: ImageId): Promise<FoundImage> {
  const [lookup] = await lookupImageIds(context, repository, [imageId]);
  if ('failure' in lookup!) throw imageLookupError(context, repository, lookup.failure);
  return lookup!.found;
}
