import type { EncryptionConfiguration, TagMutabilityExclusionFilter } from '../metadata-store.js';

/**
 * Column forms of the ECR settings that repositories and creation templates share: encryption as
 * a type and an optional KMS key; exclusion filters as JSON text (nothing queries inside them).
 */
export function encryptionColumns(configuration: EncryptionConfiguration): {
  encryption_type: EncryptionConfiguration['encryptionType'];
  kms_key: string | null;
} {
  return { encryption_type: configuration.encryptionType, kms_key: configuration.kmsKey ?? null };
}

export function toEncryptionConfiguration(type: EncryptionConfiguration['encryptionType'], kmsKey: string | null): EncryptionConfiguration {
  return kmsKey === null ? { encryptionType: type } : { encryptionType: type, kmsKey };
}

export function filtersColumn(filters: readonly TagMutabilityExclusionFilter[]): string {
  return JSON.stringify(filters.map(({ filterType, filter }) => ({ filterType, filter })));
}

export function toFilters(json: string): TagMutabilityExclusionFilter[] {
  return JSON.parse(json) as TagMutabilityExclusionFilter[];
}
