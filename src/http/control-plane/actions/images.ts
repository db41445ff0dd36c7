import { Type } from '@sinclair/typebox';
import { parseDigest, type Digest } from '../../../domain/digest.js';
import { parseManifest } from '../../../domain/manifest.js';
import { bareMediaType } from '../../../domain/media-types.js';
import { isValidTag, type Reference } from '../../../domain/names.js';
import { isRegistryError, RegistryError } from '../../../errors/registry-error.js';
import type { Repository } from '../../../storage/metadata/metadata-store.js';
import { defineAction, type ActionContext } from '../action.js';
import { DEFAULT_MAX_RESULTS, MaxResultsSchema } from '../paging.js';
import { findRepository, registryIdOf, RegistryIdSchema, RepositoryNameSchema, repositoryOf } from '../ecr-inputs.js';
import {
  ImageIdentifierListSchema,
  imageFailure,
  imageLookupError,
  lookupImageIds,
  uniqueImageIds,
  wireImageId,
  type ImageFailure,
} from '../image-ids.js';
import { imageDetails, imagesFrom, isActive, ImageStatusFilterSchema, matchesImageStatus, matchesTagStatus, TagStatusSchema } from '../image-listing.js';
import { decodeListingCursor, encodeNextToken, takePage } from '../pagination.js';

/** ECR's page size when a listing is called without maxResults. */


/** DescribeImages' and ListImages' `filter`. */
const ImageListFilterSchema = Type.Optional(
  Type.Object({ tagStatus: Type.Optional(TagStatusSchema), imageStatus: Type.Optional(ImageStatusFilterSchema) }, { additionalProperties: false }),
);

const DescribeImagesInput = Type.Object(
  {
    registryId: Type.Optional(RegistryIdSchema),
    repositoryName: RepositoryNameSchema,
    imageIds: Type.Optional(ImageIdentifierListSchema),
    nextToken: Type.Optional(Type.String()),
    maxResults: Type.Optional(MaxResultsSchema),
    filter: ImageListFilterSchema,
  },
  { additionalProperties: false },
);

/**
 * DescribeImages: the images named by `imageIds` (a missing one fails the call with
 * ImageNotFoundException, as ECR does), or a page of the repository's images, filtered by tag
 * status, in digest order.
 */
export const describeImages = defineAction({
  name: 'DescribeImages',
  iamAction: 'ecr:DescribeImages',
  input: DescribeImagesInput,
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    if (input.imageIds) {
      if (input.nextToken !== undefined || input.maxResults !== undefined) {
        throw new RegistryError('INVALID_PARAMETER', 'nextToken and maxResults cannot be used when you specify images with imageIds');
      }
      const digests: Digest[] = [];
      for (const lookup of await lookupImageIds(context, repository, uniqueImageIds(input.imageIds))) {
        // An id DescribeImages cannot resolve fails the whole call.
        if ('failure' in lookup) throw imageLookupError(context, repository, lookup.failure);
        if (!digests.includes(lookup.found.digest)) digests.push(lookup.found.digest);
      }
      const images = await context.services.metadata.read(async (tx) => Promise.all(digests.map((d) => tx.manifests.getImage(repository.id, d))));
      return { imageDetails: await imageDetails(context, repository, images.filter((i) => i !== undefined)) };
    }
    const after = input.nextToken === undefined ? undefined : (decodeListingCursor('DescribeImages', input.nextToken).after as Digest);
    const tagStatus = input.filter?.tagStatus ?? 'ANY';
    const imageStatus = input.filter?.imageStatus;
    const source = filtered(imagesFrom(context, repository, after), (i) => matchesTagStatus(i, tagStatus) && matchesImageStatus(i, imageStatus));
    const page = await takePage(source, input.maxResults ?? DEFAULT_MAX_RESULTS);
    const last = page.items.at(-1);
    return {
      imageDetails: await imageDetails(context, repository, page.items),
      ...(page.more && last ? { nextToken: encodeNextToken({ listing: 'DescribeImages', after: last.digest }) } : {}),
    };
  },
});

async function* filtered<T>(source: AsyncIterable<T>, keep: (item: T) => boolean): AsyncGenerator<T> {
  for await (const item of source) if (keep(item)) yield item;
}

const ListImagesInput = Type.Object(
  {
    registryId: Type.Optional(RegistryIdSchema),
    repositoryName: RepositoryNameSchema,
    nextToken: Type.Optional(Type.String()),
    maxResults: Type.Optional(MaxResultsSchema),
    filter: ImageListFilterSchema,
  },
  { additionalProperties: false },
);

/**
 * ListImages: one `{imageDigest, imageTag}` per tag and one `{imageDigest}` per untagged image.
 * A page may end inside an image's tags; the token then resumes after the last tag listed.
 */
export const listImages = defineAction({
  name: 'ListImages',
  iamAction: 'ecr:ListImages',
  input: ListImagesInput,
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    const cursor = input.nextToken === undefined ? undefined : decodeListingCursor('ListImages', input.nextToken, ['tag']);
    const tagStatus = input.filter?.tagStatus ?? 'ANY';
    async function* entries(): AsyncGenerator<{ imageDigest: Digest; imageTag?: string }> {
      // A token that ended inside an image's tags resumes with that image's later tags.
      const resumeIn = cursor?.tag === undefined ? undefined : await context.services.metadata.read((tx) => tx.manifests.getImage(repository.id, cursor.after as Digest));
      const images = imagesFrom(context, repository, cursor?.after as Digest | undefined);
      for await (const image of resumeIn ? prepend(resumeIn, images) : images) {
        if (!matchesImageStatus(image, input.filter?.imageStatus)) continue;
        const tags = image === resumeIn ? image.tags.filter((t) => t > cursor!.tag!) : image.tags;
        if (tagStatus !== 'UNTAGGED') for (const imageTag of tags) yield { imageDigest: image.digest, imageTag };
        if (tagStatus !== 'TAGGED' && image.tags.length === 0) yield { imageDigest: image.digest };
      }
    }
    const page = await takePage(entries(), input.maxResults ?? DEFAULT_MAX_RESULTS);
    const last = page.items.at(-1);
    const next = last && { listing: 'ListImages', after: last.imageDigest, ...(last.imageTag === undefined ? {} : { tag: last.imageTag }) };
    return { imageIds: page.items, ...(page.more && next ? { nextToken: encodeNextToken(next) } : {}) };
  },
});

async function* prepend<T>(first: T, rest: AsyncIterable<T>): AsyncGenerator<T> {
  yield first;
  yield* rest;
}

const BatchGetImageInput = Type.Object(
  {
    registryId: Type.Optional(RegistryIdSchema),
    repositoryName: RepositoryNameSchema,
    imageIds: ImageIdentifierListSchema,
    acceptedMediaTypes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1, maxItems: 100 })),
  },
  { additionalProperties: false },
);

/**
 * BatchGetImage: manifests by tag or digest, each found one counted as a pull. With
 * `acceptedMediaTypes`, a manifest of another type is a failure (UnsupportedImageType): Wharf
 * stores manifests as pushed and converts none.
 */
export const batchGetImage = defineAction({
  name: 'BatchGetImage',
  iamAction: 'ecr:BatchGetImage',
  input: BatchGetImageInput,
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    const accepted = input.acceptedMediaTypes && new Set(input.acceptedMediaTypes.map(bareMediaType));
    const lookups = await lookupImageIds(context, repository, uniqueImageIds(input.imageIds));
    const manifests = await context.services.metadata.read(async (tx) =>
      Promise.all(lookups.map((l) => ('found' in l ? tx.manifests.get(repository.id, l.found.digest) : undefined))),
    );
    const images: unknown[] = [];
    const failures: ImageFailure[] = [];
    lookups.forEach((lookup, i) => {
      if ('failure' in lookup) return failures.push(lookup.failure);
      const manifest = manifests[i];
      if (!manifest) return failures.push(imageFailure(lookup.found.requested, 'ImageNotFound'));
      if (accepted && !accepted.has(manifest.mediaType)) return failures.push(imageFailure(lookup.found.requested, 'UnsupportedImageType'));
      context.services.pulls.record(repository.id, manifest.digest);
      return images.push({
        registryId: registryIdOf(context),
        repositoryName: repository.name,
        imageId: wireImageId({ imageDigest: manifest.digest, imageTag: lookup.found.tag }),
        imageManifest: manifest.content.toString('utf8'),
        imageManifestMediaType: manifest.mediaType,
      });
    });
    return { images, failures };
  },
});

const BatchDeleteImageInput = Type.Object(
  { registryId: Type.Optional(RegistryIdSchema), repositoryName: RepositoryNameSchema, imageIds: ImageIdentifierListSchema },
  { additionalProperties: false },
);

/**
 * BatchDeleteImage, with ECR's semantics: a digest deletes the image and all its tags; a tag
 * removes that tag, and the image goes with its last tag. An image an index lists cannot be
 * deleted by digest (ImageReferencedByManifestList). Ids are applied in request order.
 */
export const batchDeleteImage = defineAction({
  name: 'BatchDeleteImage',
  iamAction: 'ecr:BatchDeleteImage',
  input: BatchDeleteImageInput,
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    const imageIds: { imageDigest: string; imageTag?: string }[] = [];
    const failures: ImageFailure[] = [];
    for (const lookup of await lookupImageIds(context, repository, uniqueImageIds(input.imageIds))) {
      if ('failure' in lookup) {
        failures.push(lookup.failure);
        continue;
      }
      const { requested, digest, tag } = lookup.found;
      const reference: Reference = tag === undefined ? { kind: 'digest', digest } : { kind: 'tag', tag };
      try {
        const deleted = await context.services.manifests.deleteImage(repository, reference, digest, context.principal.arn);
        const tags = deleted.tags.length > 0 ? deleted.tags : [undefined];
        for (const imageTag of tags) imageIds.push(imageTag === undefined ? { imageDigest: deleted.digest } : { imageDigest: deleted.digest, imageTag });
      } catch (err) {
        if (!isRegistryError(err)) throw err;
        if (err.code === 'MANIFEST_UNKNOWN') failures.push(imageFailure(requested, 'ImageNotFound'));
        else if (err.code === 'MANIFEST_REFERENCED') failures.push(imageFailure(requested, 'ImageReferencedByManifestList'));
        else throw err;
      }
    }
    return { imageIds, failures };
  },
});

const PutImageInput = Type.Object(
  {
    registryId: Type.Optional(RegistryIdSchema),
    repositoryName: RepositoryNameSchema,
    imageManifest: Type.String({ minLength: 1, maxLength: 4194304 }),
    imageManifestMediaType: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    imageTag: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    imageDigest: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/**
 * PutImage: stores a manifest (and moves a tag) through the same ManifestService as a data-plane
 * manifest PUT. ECR's refusals: ImageAlreadyExistsException when nothing would change,
 * ImageDigestDoesNotMatchException, LayersNotFoundException / ReferencedImagesNotFoundException
 * for missing blobs / index children, ImageTagAlreadyExistsException from tag immutability.
 */
export const putImage = defineAction({
  name: 'PutImage',
  iamAction: 'ecr:PutImage',
  input: PutImageInput,
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    const tag = input.imageTag;
    if (tag !== undefined && !isValidTag(tag)) {
      throw new RegistryError('INVALID_PARAMETER', "Invalid parameter at 'imageTag' failed to satisfy constraint: 'must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}'");
    }
    const content = Buffer.from(input.imageManifest, 'utf8');
    const limit = context.services.config.limits.manifestBytes;
    if (content.length > limit) throw new RegistryError('MANIFEST_TOO_LARGE', `the image manifest is larger than ${limit} bytes`);
    const manifest = parseManifest(content, input.imageManifestMediaType);
    if (input.imageManifestMediaType === undefined && !declaresMediaType(content)) {
      throw new RegistryError('INVALID_PARAMETER', "Invalid parameter at 'imageManifestMediaType': required when the image manifest has no mediaType field");
    }
    const digest = manifest.digest;
    if (input.imageDigest !== undefined && input.imageDigest !== digest) {
      throw new RegistryError('IMAGE_DIGEST_MISMATCH', `The specified image digest '${input.imageDigest}' does not match the digest '${digest}' calculated for the image manifest`);
    }
    await refuseUnchanged(context, repository, digest, tag);
    const reference: Reference = tag === undefined ? { kind: 'digest', digest } : { kind: 'tag', tag };
    try {
      await context.services.manifests.put(repository, reference, content, input.imageManifestMediaType);
    } catch (err) {
      throw missingReferences(context, repository, manifest.children, err);
    }
    return {
      image: {
        registryId: registryIdOf(context),
        repositoryName: repository.name,
        imageId: wireImageId({ imageDigest: digest, imageTag: tag }),
        imageManifest: input.imageManifest,
        imageManifestMediaType: manifest.mediaType,
      },
    };
  },
});

/** ImageAlreadyExistsException: the manifest is stored and the tag (if any) already names it. */
async function refuseUnchanged(context: ActionContext, repository: Repository, digest: Digest, tag: string | undefined): Promise<void> {
  const unchanged = await context.services.metadata.read(async (tx) => {
    if ((await tx.manifests.existing(repository.id, [digest])).size === 0) return false;
    return tag === undefined || (await tx.tags.get(repository.id, tag)) === digest;
  });
  if (unchanged) {
    throw new RegistryError(
      'IMAGE_ALREADY_EXISTS',
      `Image with digest '${digest}'${tag === undefined ? '' : ` and tag '${tag}'`} already exists in the repository with name '${repository.name}' in registry with id '${registryIdOf(context)}'`,
    );
  }
}

/** The ManifestService's "referenced blob unknown", in ECR's two names and wording. */
function missingReferences(context: ActionContext, repository: Repository, children: readonly Digest[], err: unknown): unknown {
  if (!isRegistryError(err) || err.code !== 'MANIFEST_BLOB_UNKNOWN') return err;
  const missing = (err.detail as { digest?: Digest } | undefined)?.digest;
  const where = `repository with name '${repository.name}' in the registry with id '${registryIdOf(context)}'`;
  if (missing !== undefined && children.includes(missing)) {
    return new RegistryError('REFERENCED_IMAGES_NOT_FOUND', `Manifest list references image '${missing}', which does not exist in the ${where}`);
  }
  return new RegistryError('MANIFEST_BLOB_UNKNOWN', `Layers with digests '[${missing ?? ''}]' required for pushing image into ${where} do not exist`);
}

function declaresMediaType(content: Buffer): boolean {
  const doc = JSON.parse(content.toString('utf8')) as { mediaType?: unknown };
  return typeof doc.mediaType === 'string';
}

const ListImageReferrersInput = Type.Object(
  {
    registryId: Type.Optional(RegistryIdSchema),
    repositoryName: RepositoryNameSchema,
    subjectId: Type.Object({ imageDigest: Type.String() }, { additionalProperties: false }),
    filter: Type.Optional(
      Type.Object(
        {
          artifactTypes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 0, maxItems: 5 })),
          artifactStatus: Type.Optional(ImageStatusFilterSchema),
        },
        { additionalProperties: false },
      ),
    ),
    nextToken: Type.Optional(Type.String()),
    maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  },
  { additionalProperties: false },
);

/**
 * ListImageReferrers: the manifests whose `subject` is the given image (the referrers API's
 * answer), filtered by artifact types, in digest order. ECR asks for ecr:BatchGetImage.
 */
export const listImageReferrers = defineAction({
  name: 'ListImageReferrers',
  iamAction: 'ecr:BatchGetImage',
  input: ListImageReferrersInput,
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    const subject = parseSubject(input.subjectId.imageDigest);
    const after = input.nextToken === undefined ? undefined : decodeListingCursor('ListImageReferrers', input.nextToken).after;
    const types = input.filter?.artifactTypes?.length ? new Set(input.filter.artifactTypes) : undefined;
    const { manifests } = isActive(input.filter?.artifactStatus) ? await context.services.manifests.referrers(repository, subject) : { manifests: [] };
    const matching = manifests.filter((m) => (after === undefined || m.digest > after) && (!types || (m.artifactType !== undefined && types.has(m.artifactType))));
    const page = await takePage(matching, input.maxResults ?? 50);
    const last = page.items.at(-1);
    return {
      referrers: page.items.map((m) => ({
        digest: m.digest,
        mediaType: m.mediaType,
        ...(m.artifactType === undefined ? {} : { artifactType: m.artifactType }),
        size: m.size,
        ...(m.annotations === undefined ? {} : { annotations: m.annotations }),
        artifactStatus: 'ACTIVE',
      })),
      ...(page.more && last ? { nextToken: encodeNextToken({ listing: 'ListImageReferrers', after: last.digest }) } : {}),
    };
  },
});

function parseSubject(value: string): Digest {
  try {
    return parseDigest(value);
  } catch {
    throw new RegistryError('INVALID_PARAMETER', "Invalid parameter at 'subjectId.imageDigest' failed to satisfy constraint: 'must be a sha256 or sha512 digest'");
  }
}
