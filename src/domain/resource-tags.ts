/**
 * ECR resource tags (pure): the rules TagResource and CreateRepository apply to keys, values and
 * the number of tags on one resource.
 */
import { RegistryError } from '../errors/registry-error.js';
import type { ResourceTag } from '../storage/metadata/metadata-store.js';

/** "The maximum number of tags that can be applied to a repository is 50." */
export const MAX_RESOURCE_TAGS = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

/** Lengths count Unicode characters, as AWS's tag limits do, not UTF-16 units. */
function characters(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Keys: 1–128 characters, not starting with the reserved `aws:` (any case). INVALID_TAG_PARAMETER otherwise. */
export function checkTagKey(key: string): void {
  const length = characters(key);
  if (length < 1 || length > MAX_TAG_KEY_LENGTH) {
    throw new RegistryError('INVALID_TAG_PARAMETER', `Tag keys must be 1 to ${MAX_TAG_KEY_LENGTH} characters long: '${key.slice(0, 200)}'`);
  }
  if (key.toLowerCase().startsWith('aws:')) {
    throw new RegistryError('INVALID_TAG_PARAMETER', `Tag keys starting with 'aws:' are reserved for AWS use: '${key.slice(0, 200)}'`);
  }
}

/** Every key as checkTagKey, every value 0–256 characters. */
export function checkResourceTags(tags: readonly ResourceTag[]): void {
  for (const tag of tags) {
    checkTagKey(tag.Key);
    if (characters(tag.Value) > MAX_TAG_VALUE_LENGTH) {
      throw new RegistryError('INVALID_TAG_PARAMETER', `Tag values can be at most ${MAX_TAG_VALUE_LENGTH} characters long (key '${tag.Key}')`);
    }
  }
}

/**
 * The tags a resource would carry after adding `added` to `existing` (a key given again takes the
 * new value; within `added` the last occurrence wins); TOO_MANY_TAGS past the limit.
 */
export function mergeResourceTags(existing: readonly ResourceTag[], added: readonly ResourceTag[]): ResourceTag[] {
  checkResourceTags(added);
  const byKey = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const { Key, Value } of added) byKey.set(Key, Value);
  if (byKey.size > MAX_RESOURCE_TAGS) {
    throw new RegistryError('TOO_MANY_TAGS', `The resource would have ${byKey.size} tags; the maximum number of tags that can be applied to a repository is ${MAX_RESOURCE_TAGS}`);
  }
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}
