import { Type } from '@sinclair/typebox';
import { checkTagMutability } from '../../../domain/tag-mutability.js';
import { RegistryError } from '../../../errors/registry-error.js';
import { authorize } from '../../../policy/authorizer.js';
import { DEFAULT_REPOSITORY_SETTINGS } from '../../../storage/metadata/metadata-store.js';
import { defineAction } from '../action.js';
import { RegistryIdSchema, registryIdOf, RepositoryNameSchema } from '../ecr-inputs.js';
import { fetchPage, MaxResultsSchema } from '../paging.js';
import {
  checkEncryptionConfiguration,
  EncryptionConfigurationSchema,
  exclusionFiltersWire,
  ExclusionFiltersSchema,
  ImageScanningConfigurationSchema,
  ImageTagMutabilitySchema,
  repositoryWire,
  requireOwnRegistry,
  TagListSchema,
} from '../repository-wire.js';

/** CreateRepository: settings as given (ECR's defaults otherwise), resource tags, in one transaction. */
export const createRepository = defineAction({
  name: 'CreateRepository',
  iamAction: 'ecr:CreateRepository',
  input: Type.Object(
    {
      registryId: Type.Optional(RegistryIdSchema),
      repositoryName: RepositoryNameSchema,
      tags: Type.Optional(TagListSchema),
      imageTagMutability: Type.Optional(ImageTagMutabilitySchema),
      imageTagMutabilityExclusionFilters: Type.Optional(ExclusionFiltersSchema),
      imageScanningConfiguration: Type.Optional(ImageScanningConfigurationSchema),
      encryptionConfiguration: Type.Optional(EncryptionConfigurationSchema),
    },
    { additionalProperties: false },
  ),
  resource: (input) => input.repositoryName,
  async handle(input, context) {
    if (input.registryId !== undefined && input.registryId !== registryIdOf(context)) {
      throw new RegistryError('INVALID_PARAMETER', `Invalid parameter: registryId '${input.registryId}' is not this registry's id '${registryIdOf(context)}'`);
    }
    const imageTagMutability = input.imageTagMutability ?? DEFAULT_REPOSITORY_SETTINGS.imageTagMutability;
    const repository = await context.services.repositories.create(input.repositoryName, {
      settings: {
        imageTagMutability,
        imageTagMutabilityExclusionFilters: checkTagMutability(imageTagMutability, input.imageTagMutabilityExclusionFilters),
        scanOnPush: input.imageScanningConfiguration?.scanOnPush ?? false,
        encryptionConfiguration: checkEncryptionConfiguration(input.encryptionConfiguration) ?? DEFAULT_REPOSITORY_SETTINGS.encryptionConfiguration,
      },
      tags: input.tags,
    });
    return { repository: repositoryWire(repository, context) };
  },
});

/**
 * DescribeRepositories: the named repositories (RepositoryNotFoundException names the first
 * missing one; each must be authorised), or every repository in name order, paged.
 */
export const describeRepositories = defineAction({
  name: 'DescribeRepositories',
  iamAction: 'ecr:DescribeRepositories',
  input: Type.Object(
    {
      registryId: Type.Optional(RegistryIdSchema),
      repositoryNames: Type.Optional(Type.Array(RepositoryNameSchema, { minItems: 1, maxItems: 100 })),
      nextToken: Type.Optional(Type.String()),
      maxResults: Type.Optional(MaxResultsSchema),
    },
    { additionalProperties: false },
  ),
  resource: (input) => input.repositoryNames?.[0],
  async handle(input, context) {
    const { repositories } = context.services;
    if (input.repositoryNames === undefined) {
      if (input.registryId !== undefined && input.registryId !== registryIdOf(context)) return { repositories: [] };
      const page = await fetchPage('DescribeRepositories', input, (p) => repositories.list(p), (r) => r.name);
      return { repositories: page.items.map((r) => repositoryWire(r, context)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    }
    if (input.nextToken !== undefined || input.maxResults !== undefined) {
      throw new RegistryError('INVALID_PARAMETER', 'Invalid parameter: nextToken and maxResults cannot be used when you specify repositories with repositoryNames');
    }
    for (const repositoryName of input.repositoryNames) requireOwnRegistry(context, { registryId: input.registryId, repositoryName });
    // The dispatcher authorised the first name; the others need the same permission.
    for (const repository of input.repositoryNames.slice(1)) {
      await authorize(context.services.authorizer, { principal: context.principal, action: 'ecr:DescribeRepositories', repository, sourceIp: context.sourceIp });
    }
    const found = await repositories.getMany(input.repositoryNames);
    return { repositories: found.map((r) => repositoryWire(r, context)) };
  },
});

/** DeleteRepository: RepositoryNotEmptyException while it holds images, unless `force`. */
export const deleteRepository = defineAction({
  name: 'DeleteRepository',
  iamAction: 'ecr:DeleteRepository',
  input: Type.Object(
    { registryId: Type.Optional(RegistryIdSchema), repositoryName: RepositoryNameSchema, force: Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  ),
  resource: (input) => input.repositoryName,
  async handle(input, context) {
    requireOwnRegistry(context, input);
    const repository = await context.services.repositories.delete(input.repositoryName, input.force ?? false);
    return { repository: repositoryWire(repository, context) };
  },
});

/** PutImageTagMutability: the mode and its exclusion filters (required with, refused without, the *_WITH_EXCLUSION modes). */
export const putImageTagMutability = defineAction({
  name: 'PutImageTagMutability',
  iamAction: 'ecr:PutImageTagMutability',
  input: Type.Object(
    {
      registryId: Type.Optional(RegistryIdSchema),
      repositoryName: RepositoryNameSchema,
      imageTagMutability: ImageTagMutabilitySchema,
      imageTagMutabilityExclusionFilters: Type.Optional(ExclusionFiltersSchema),
    },
    { additionalProperties: false },
  ),
  resource: (input) => input.repositoryName,
  async handle(input, context) {
    requireOwnRegistry(context, input);
    const filters = checkTagMutability(input.imageTagMutability, input.imageTagMutabilityExclusionFilters);
    const repository = await context.services.repositories.update(input.repositoryName, (tx, found) =>
      tx.repositories.updateSettings(found.id, { imageTagMutability: input.imageTagMutability, imageTagMutabilityExclusionFilters: filters }),
    );
    return {
      registryId: registryIdOf(context),
      repositoryName: repository.name,
      imageTagMutability: repository.settings.imageTagMutability,
      ...exclusionFiltersWire(repository.settings.imageTagMutabilityExclusionFilters),
    };
  },
});

/** PutImageScanningConfiguration: scan on push (recorded; scanning itself comes with the scanner). */
export const putImageScanningConfiguration = defineAction({
  name: 'PutImageScanningConfiguration',
  iamAction: 'ecr:PutImageScanningConfiguration',
  input: Type.Object(
    { registryId: Type.Optional(RegistryIdSchema), repositoryName: RepositoryNameSchema, imageScanningConfiguration: ImageScanningConfigurationSchema },
    { additionalProperties: false },
  ),
  resource: (input) => input.repositoryName,
  async handle(input, context) {
    requireOwnRegistry(context, input);
    const scanOnPush = input.imageScanningConfiguration.scanOnPush ?? false;
    const repository = await context.services.repositories.update(input.repositoryName, (tx, found) => tx.repositories.updateSettings(found.id, { scanOnPush }));
    return { registryId: registryIdOf(context), repositoryName: repository.name, imageScanningConfiguration: { scanOnPush: repository.settings.scanOnPush } };
  },
});

export const REPOSITORY_ACTIONS = [createRepository, describeRepositories, deleteRepository, putImageTagMutability, putImageScanningConfiguration];
