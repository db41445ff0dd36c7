/**
 * The wire form of repositories, their settings and creation templates: request schemas with the
 * ECR model's constraints, and response shapes with ECR's field names (timestamps in epoch
 * seconds, empty optional members left out).
 */
import { Type } from '@sinclair/typebox';
import { EXCLUSION_FILTER_PATTERN, MAX_EXCLUSION_FILTERS } from '../../domain/tag-mutability.js';
import { RegistryError } from '../../errors/registry-error.js';
import { repositoryNotFound } from '../../services/repository-service.js';
import type {
  CreationTemplate,
  EncryptionConfiguration,
  Repository,
  TagMutabilityExclusionFilter,
} from '../../storage/metadata/metadata-store.js';
import { epochSeconds, type ActionContext } from './action.js';
import { registryIdOf } from './ecr-inputs.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const TagSchema = Type.Object({ Key: Type.String(), Value: Type.String() }, { additionalProperties: false });
/** Lengths and the `aws:` prefix are judged by the domain (InvalidTagParameterException), not here. */
export const TagListSchema = Type.Array(TagSchema);

export const ImageTagMutabilitySchema = literals(['MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'] as const);

export const ExclusionFiltersSchema = Type.Array(
  Type.Object(
    { filterType: Type.Literal('WILDCARD'), filter: Type.String({ minLength: 1, maxLength: 128, pattern: EXCLUSION_FILTER_PATTERN }) },
    { additionalProperties: false },
  ),
  { minItems: 1, maxItems: MAX_EXCLUSION_FILTERS },
);

export const EncryptionTypeSchema = literals(['AES256', 'KMS', 'KMS_DSSE'] as const);
export const EncryptionConfigurationSchema = Type.Object(
  { encryptionType: EncryptionTypeSchema, kmsKey: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })) },
  { additionalProperties: false },
);

export const ImageScanningConfigurationSchema = Type.Object({ scanOnPush: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

/** Repository and registry policy texts: at most 10,240 characters (ECR's RepositoryPolicyText / RegistryPolicyText). */
export const PolicyTextSchema = Type.String({ maxLength: 10_240 });

/**
 * A repository-addressed request for another registry names no repository here: ECR's answer
 * is RepositoryNotFoundException for that registry id.
 */
export function requireOwnRegistry(context: ActionContext, input: { readonly registryId?: string | undefined; readonly repositoryName: string }): void {
  if (input.registryId !== undefined && input.registryId !== registryIdOf(context)) throw repositoryNotFound(input.repositoryName, input.registryId);
}

/** KMS keys belong to the KMS encryption types; AES256 takes none. */
export function checkEncryptionConfiguration(configuration: EncryptionConfiguration | undefined): EncryptionConfiguration | undefined {
  if (!configuration) return undefined;
  const kmsKey = configuration.kmsKey === '' ? undefined : configuration.kmsKey;
  if (configuration.encryptionType === 'AES256' && kmsKey !== undefined) {
    throw new RegistryError('INVALID_PARAMETER', "Invalid parameter: kmsKey can only be specified when encryptionType is KMS or KMS_DSSE");
  }
  return kmsKey === undefined ? { encryptionType: configuration.encryptionType } : { encryptionType: configuration.encryptionType, kmsKey };
}

export function encryptionWire(configuration: EncryptionConfiguration): { encryptionType: string; kmsKey?: string } {
  return configuration.kmsKey === undefined ? { encryptionType: configuration.encryptionType } : { encryptionType: configuration.encryptionType, kmsKey: configuration.kmsKey };
}

/** `imageTagMutabilityExclusionFilters` when there are any (the plain modes carry none). */
export function exclusionFiltersWire(filters: readonly TagMutabilityExclusionFilter[]): { imageTagMutabilityExclusionFilters?: TagMutabilityExclusionFilter[] } {
  return filters.length === 0 ? {} : { imageTagMutabilityExclusionFilters: filters.map(({ filterType, filter }) => ({ filterType, filter })) };
}

/** ECR's Repository structure. */
export function repositoryWire(repository: Repository, context: ActionContext) {
  const { settings } = repository;
  return {
    repositoryArn: context.services.repositories.arn(repository.name),
    registryId: registryIdOf(context),
    repositoryName: repository.name,
    repositoryUri: `${context.registryHost}/${repository.name}`,
    createdAt: epochSeconds(repository.createdAt),
    imageTagMutability: settings.imageTagMutability,
    ...exclusionFiltersWire(settings.imageTagMutabilityExclusionFilters),
    imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
    encryptionConfiguration: encryptionWire(settings.encryptionConfiguration),
  };
}

/** ECR's RepositoryCreationTemplate structure. */
export function templateWire(template: CreationTemplate) {
  const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
  return {
    prefix: template.prefix,
    ...optional('description', template.description),
    ...optional('encryptionConfiguration', template.encryptionConfiguration && encryptionWire(template.encryptionConfiguration)),
    resourceTags: template.resourceTags.map(({ Key, Value }) => ({ Key, Value })),
    imageTagMutability: template.imageTagMutability,
    ...exclusionFiltersWire(template.imageTagMutabilityExclusionFilters),
    ...optional('repositoryPolicy', template.repositoryPolicy),
    ...optional('lifecyclePolicy', template.lifecyclePolicy),
    appliedFor: [...template.appliedFor],
    ...optional('customRoleArn', template.customRoleArn),
    createdAt: epochSeconds(template.createdAt),
    updatedAt: epochSeconds(template.updatedAt),
  };
}
