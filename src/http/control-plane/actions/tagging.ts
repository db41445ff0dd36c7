import { Type } from '@sinclair/typebox';
import { parseRepositoryArn } from '../../../domain/repository-arn.js';
import { checkTagKey, mergeResourceTags } from '../../../domain/resource-tags.js';
import { RegistryError } from '../../../errors/registry-error.js';
import { repositoryNotFound } from '../../../services/repository-service.js';
import type { MetadataTx } from '../../../storage/metadata/metadata-store.js';
import { defineAction, type ActionContext } from '../action.js';
import { TagListSchema } from '../repository-wire.js';

/**
 * The repository a resource ARN names in this registry: InvalidParameterException for anything
 * that is no ECR repository ARN, RepositoryNotFoundException for a repository that is not here.
 */
function taggedRepository(context: ActionContext, resourceArn: string): string {
  const arn = parseRepositoryArn(resourceArn);
  if (!arn) throw new RegistryError('INVALID_PARAMETER', `Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN: ${resourceArn.slice(0, 300)} is not an Amazon ECR repository ARN'`);
  const { region, accountId } = context.services.config;
  if (arn.region !== region || arn.accountId !== accountId) throw repositoryNotFound(arn.name, arn.accountId);
  return arn.name;
}

/** Runs `fn` on the repository's ARN in a write (or read) transaction; the repository must exist. */
async function withTaggedRepository<T>(context: ActionContext, resourceArn: string, write: boolean, fn: (tx: MetadataTx, arn: string) => Promise<T>): Promise<T> {
  const { repositories } = context.services;
  const name = taggedRepository(context, resourceArn);
  const arn = repositories.arn(name);
  return write ? repositories.update(name, (tx) => fn(tx, arn)) : repositories.read(name, (tx) => fn(tx, arn));
}

/** The repository name for authorisation, when the ARN names one (the handler judges the rest). */
const arnResource = (input: { resourceArn: string }) => parseRepositoryArn(input.resourceArn)?.name;

/** TagResource: adds tags (replacing values of keys present); at most 50 on a repository. */
export const tagResource = defineAction({
  name: 'TagResource',
  iamAction: 'ecr:TagResource',
  input: Type.Object({ resourceArn: Type.String(), tags: TagListSchema }, { additionalProperties: false }),
  resource: arnResource,
  async handle(input, context) {
    await withTaggedRepository(context, input.resourceArn, true, async (tx, arn) => tx.resourceTags.put(arn, mergeResourceTags(await tx.resourceTags.list(arn), input.tags)));
    return {};
  },
});

/** UntagResource: removes the keys given (absent keys are no error); `aws:` keys are refused. */
export const untagResource = defineAction({
  name: 'UntagResource',
  iamAction: 'ecr:UntagResource',
  input: Type.Object({ resourceArn: Type.String(), tagKeys: Type.Array(Type.String()) }, { additionalProperties: false }),
  resource: arnResource,
  async handle(input, context) {
    input.tagKeys.forEach(checkTagKey);
    await withTaggedRepository(context, input.resourceArn, true, (tx, arn) => tx.resourceTags.remove(arn, input.tagKeys));
    return {};
  },
});

export const listTagsForResource = defineAction({
  name: 'ListTagsForResource',
  iamAction: 'ecr:ListTagsForResource',
  input: Type.Object({ resourceArn: Type.String() }, { additionalProperties: false }),
  resource: arnResource,
  async handle(input, context) {
    const tags = await withTaggedRepository(context, input.resourceArn, false, (tx, arn) => tx.resourceTags.list(arn));
    return { tags: tags.map(({ Key, Value }) => ({ Key, Value })) };
  },
});

export const TAGGING_ACTIONS = [tagResource, untagResource, listTagsForResource];
