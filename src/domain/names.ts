import { RegistryError } from '../errors/registry-error.js';
import { isDigestSyntax, parseDigest, type Digest } from './digest.js';

// OCI Distribution Spec 1.1 grammars.
const NAME_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME_GRAMMAR = new RegExp(`^${NAME_COMPONENT}(?:/${NAME_COMPONENT})*$`);
const TAG_GRAMMAR = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
/** ECR allows repository names of up to 256 characters; the spec leaves the limit to registries. */
export const MAX_REPOSITORY_NAME_LENGTH = 256;

export function isValidRepositoryName(name: string): boolean {
  return name.length <= MAX_REPOSITORY_NAME_LENGTH && NAME_GRAMMAR.test(name);
}

export function assertRepositoryName(name: string): string {
  if (!isValidRepositoryName(name)) {
    throw new RegistryError('NAME_INVALID', `invalid repository name "${name.slice(0, 300)}"`);
  }
  return name;
}

export function isValidTag(tag: string): boolean {
  return TAG_GRAMMAR.test(tag);
}

/** A manifest reference: a tag or a digest. */
export type Reference = { readonly kind: 'tag'; readonly tag: string } | { readonly kind: 'digest'; readonly digest: Digest };

export function parseReference(value: string): Reference {
  if (isValidTag(value)) return { kind: 'tag', tag: value };
  if (isDigestSyntax(value)) return { kind: 'digest', digest: parseDigest(value) };
  throw new RegistryError('REFERENCE_INVALID', `invalid reference "${value.slice(0, 200)}": neither a tag nor a digest`);
}
