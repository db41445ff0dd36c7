/**
 * Tag matching for lifecycle rules (pure).
 *
 * - Prefix entries match a tag that starts with them (`prod` matches `prod`, `prod-1`, `production`).
 * - Pattern entries match a whole tag, `*` standing for any run of characters, possibly empty
 *   (`prod*` matches `prod`, `prod1`, `production-team1`; `*prod*` matches `repo-production`).
 *   Every other character is literal.
 * - A list with several entries selects an image only when every entry is matched by at least one
 *   of the image's tags ("only the images with all specified tags are selected"). One tag may
 *   satisfy several entries.
 */
import type { TagFilter } from './policy.js';

export type TagPredicate = (tags: readonly string[]) => boolean;

/**
 * Compiles a `*` pattern to a whole-tag matcher. No RegExp: the first and last literal segments
 * anchor the tag's start and end, and the segments between them are found left to right (for
 * patterns whose only metacharacter is `*`, the leftmost match of each segment is always safe).
 */
export function compileTagPattern(pattern: string): (tag: string) => boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return (tag) => tag === pattern;
  const head = parts[0] as string;
  const tail = parts[parts.length - 1] as string;
  const middle = parts.slice(1, -1).filter((part) => part.length > 0);
  const minLength = head.length + tail.length + middle.reduce((sum, part) => sum + part.length, 0);
  return (tag) => {
    if (tag.length < minLength || !tag.startsWith(head) || !tag.endsWith(tail)) return false;
    const end = tag.length - tail.length;
    let at = head.length;
    for (const part of middle) {
      const found = tag.indexOf(part, at);
      if (found === -1 || found + part.length > end) return false;
      at = found + part.length;
    }
    return true;
  };
}

export function tagMatchesPattern(tag: string, pattern: string): boolean {
  return compileTagPattern(pattern)(tag);
}

/** A predicate over an image's tag list for a `tagged` rule's filter. Untagged images never match. */
export function compileTagFilter(filter: TagFilter): TagPredicate {
  const entries = [...new Set(filter.values)];
  const matchers: Array<(tag: string) => boolean> =
    filter.kind === 'prefix'
      ? entries.map((prefix) => (tag: string) => tag.startsWith(prefix))
      : entries.map(compileTagPattern);
  return (tags) => {
    if (tags.length === 0) return false;
    for (const matches of matchers) {
      let found = false;
      for (const tag of tags) {
        if (matches(tag)) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  };
}
