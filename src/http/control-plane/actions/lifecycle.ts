import { Type } from '@sinclair/typebox';
import { RegistryError } from '../../../errors/registry-error.js';
import { filterPreviewResults, type LifecyclePreviewResult } from '../../../lifecycle/summary.js';
import { LifecycleService, type StoredPreviewResults } from '../../../services/lifecycle-service.js';
import type { Repository } from '../../../storage/metadata/metadata-store.js';
import { defineAction, epochSeconds, type ActionContext } from '../action.js';
import { findRepository, registryIdOf, RegistryIdSchema, RepositoryNameSchema, repositoryOf } from '../ecr-inputs.js';
import { ImageIdentifierSchema, resolveImageId, wireImageId, type ImageId } from '../image-ids.js';
import { decodeListingCursor, encodeNextToken, takePage } from '../pagination.js';

/**
 * ECR's lifecycle policy actions and UpdateImageStorageClass. Policies are validated by the pure
 * engine's parser (InvalidParameterException naming the problem). StartLifecyclePolicyPreview
 * runs the preview synchronously (evaluation is fast: 100,000 images well under a second) and
 * answers with its final status, COMPLETE (or FAILED); while it runs, the stored preview is
 * IN_PROGRESS and a second start gets LifecyclePolicyPreviewInProgressException.
 */

const PolicyTextSchema = Type.String({ minLength: 1, maxLength: 30720 });
const RepositoryInput = { registryId: Type.Optional(RegistryIdSchema), repositoryName: RepositoryNameSchema };

function lifecycleService(context: ActionContext): LifecycleService {
  const { metadata, clock, manifests } = context.services;
  return new LifecycleService({ metadata, clock, manifests });
}

function policyNotFound(context: ActionContext, repository: Repository): RegistryError {
  return new RegistryError(
    'LIFECYCLE_POLICY_NOT_FOUND',
    `Lifecycle policy does not exist for the repository with name '${repository.name}' in the registry with id '${registryIdOf(context)}'`,
  );
}

async function storedPolicy(context: ActionContext, repository: Repository) {
  const policy = await context.services.metadata.read((tx) => tx.lifecycle.getPolicy(repository.id));
  if (!policy) throw policyNotFound(context, repository);
  return policy;
}

export const putLifecyclePolicy = defineAction({
  name: 'PutLifecyclePolicy',
  iamAction: 'ecr:PutLifecyclePolicy',
  input: Type.Object({ ...RepositoryInput, lifecyclePolicyText: PolicyTextSchema }, { additionalProperties: false }),
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    lifecycleService(context).validate(input.lifecyclePolicyText);
    await context.services.metadata.write((tx) => tx.lifecycle.putPolicy(repository.id, input.lifecyclePolicyText, context.services.clock.now()));
    return { registryId: registryIdOf(context), repositoryName: repository.name, lifecyclePolicyText: input.lifecyclePolicyText };
  },
});

export const getLifecyclePolicy = defineAction({
  name: 'GetLifecyclePolicy',
  iamAction: 'ecr:GetLifecyclePolicy',
  input: Type.Object(RepositoryInput, { additionalProperties: false }),
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    const policy = await storedPolicy(context, repository);
    return {
      registryId: registryIdOf(context),
      repositoryName: repository.name,
      lifecyclePolicyText: policy.text,
      ...(policy.lastEvaluatedAt ? { lastEvaluatedAt: epochSeconds(policy.lastEvaluatedAt) } : {}),
    };
  },
});

export const deleteLifecyclePolicy = defineAction({
  name: 'DeleteLifecyclePolicy',
  iamAction: 'ecr:DeleteLifecyclePolicy',
  input: Type.Object(RepositoryInput, { additionalProperties: false }),
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    const policy = await context.services.metadata.write(async (tx) => {
      const found = await tx.lifecycle.getPolicy(repository.id);
      if (found) await tx.lifecycle.deletePolicy(repository.id);
      return found;
    });
    if (!policy) throw policyNotFound(context, repository);
    return {
      registryId: registryIdOf(context),
      repositoryName: repository.name,
      lifecyclePolicyText: policy.text,
      ...(policy.lastEvaluatedAt ? { lastEvaluatedAt: epochSeconds(policy.lastEvaluatedAt) } : {}),
    };
  },
});

export const startLifecyclePolicyPreview = defineAction({
  name: 'StartLifecyclePolicyPreview',
  iamAction: 'ecr:StartLifecyclePolicyPreview',
  input: Type.Object({ ...RepositoryInput, lifecyclePolicyText: Type.Optional(PolicyTextSchema) }, { additionalProperties: false }),
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    // "If you do not specify a policy, the current policy for the repository is used."
    const text = input.lifecyclePolicyText ?? (await storedPolicy(context, repository)).text;
    const status = await lifecycleService(context).preview(repository, text);
    return { registryId: registryIdOf(context), repositoryName: repository.name, lifecyclePolicyText: text, status };
  },
});

const DEFAULT_PREVIEW_PAGE = 100;

export const getLifecyclePolicyPreview = defineAction({
  name: 'GetLifecyclePolicyPreview',
  iamAction: 'ecr:GetLifecyclePolicyPreview',
  input: Type.Object(
    {
      ...RepositoryInput,
      imageIds: Type.Optional(Type.Array(ImageIdentifierSchema, { minItems: 1, maxItems: 100 })),
      nextToken: Type.Optional(Type.String()),
      maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
      filter: Type.Optional(
        Type.Object({ tagStatus: Type.Optional(Type.Union([Type.Literal('TAGGED'), Type.Literal('UNTAGGED'), Type.Literal('ANY')])) }, { additionalProperties: false }),
      ),
    },
    { additionalProperties: false },
  ),
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    if (input.imageIds && (input.nextToken !== undefined || input.maxResults !== undefined)) {
      throw new RegistryError('INVALID_PARAMETER', 'nextToken and maxResults cannot be used when you specify images with imageIds');
    }
    const preview = await context.services.metadata.read((tx) => tx.lifecycle.getPreview(repository.id));
    if (!preview) {
      throw new RegistryError(
        'LIFECYCLE_PREVIEW_NOT_FOUND',
        `Lifecycle policy preview request does not exist for the repository with name '${repository.name}' in the registry with id '${registryIdOf(context)}'`,
      );
    }
    const stored = preview.results as StoredPreviewResults | undefined;
    let results = filterPreviewResults(stored?.results ?? [], input.filter?.tagStatus);
    if (input.imageIds) results = results.filter((r) => input.imageIds!.some((id) => matchesImageId(r, id)));
    const cursor = input.nextToken === undefined ? undefined : decodeListingCursor('GetLifecyclePolicyPreview', input.nextToken).after;
    const start = cursor === undefined ? 0 : results.findIndex((r) => r.imageDigest === cursor) + 1;
    const page = await takePage(results.slice(start), input.imageIds ? results.length : (input.maxResults ?? DEFAULT_PREVIEW_PAGE));
    const last = page.items.at(-1);
    return {
      registryId: registryIdOf(context),
      repositoryName: repository.name,
      lifecyclePolicyText: preview.policyText,
      status: preview.status,
      previewResults: page.items,
      ...(stored ? { summary: stored.summary } : {}),
      ...(page.more && last ? { nextToken: encodeNextToken({ listing: 'GetLifecyclePolicyPreview', after: last.imageDigest }) } : {}),
    };
  },
});

function matchesImageId(result: LifecyclePreviewResult, id: ImageId): boolean {
  return (id.imageDigest === undefined || id.imageDigest === result.imageDigest) && (id.imageTag === undefined || result.imageTags.includes(id.imageTag));
}

/** UpdateImageStorageClass: archives an image (not pullable until restored) or restores it to STANDARD. */
export const updateImageStorageClass = defineAction({
  name: 'UpdateImageStorageClass',
  iamAction: 'ecr:UpdateImageStorageClass',
  input: Type.Object(
    { ...RepositoryInput, imageId: ImageIdentifierSchema, targetStorageClass: Type.Union([Type.Literal('STANDARD'), Type.Literal('ARCHIVE')]) },
    { additionalProperties: false },
  ),
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    const { digest, tag } = await resolveImageId(context, repository, input.imageId);
    await lifecycleService(context).setStorageClass(repository, digest, input.targetStorageClass, context.principal.arn);
    return {
      registryId: registryIdOf(context),
      repositoryName: repository.name,
      imageId: wireImageId({ imageDigest: digest, imageTag: tag }),
      imageStatus: input.targetStorageClass === 'ARCHIVE' ? 'ARCHIVED' : 'ACTIVE',
    };
  },
});

export const LIFECYCLE_ACTIONS = [
  putLifecyclePolicy,
  getLifecyclePolicy,
  deleteLifecyclePolicy,
  startLifecyclePolicyPreview,
  getLifecyclePolicyPreview,
  updateImageStorageClass,
];
