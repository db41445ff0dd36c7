/** Builders shared by the lifecycle unit tests (not a test file itself). */
import { createHash } from 'node:crypto';
import type { LifecycleImage, LifecycleResult } from '../../src/lifecycle/evaluate.js';
import { parseLifecyclePolicy, type LifecyclePolicy } from '../../src/lifecycle/policy.js';

export const NOW = new Date('2026-03-01T12:00:00.000Z');
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export function daysAgo(days: number): Date {
  return new Date(NOW.getTime() - days * DAY_MS);
}

/** A stable, valid-looking digest per image name, so failures read as names. */
export function digestOf(name: string): string {
  return `sha256:${createHash('sha256').update(name).digest('hex')}`;
}

export interface ImageSpec {
  tags?: readonly string[];
  pushedDaysAgo: number;
  pulledDaysAgo?: number;
  storageClass?: 'STANDARD' | 'ARCHIVE';
  archivedDaysAgo?: number;
  activatedDaysAgo?: number;
  parents?: readonly string[];
  subject?: string;
}

export function img(name: string, spec: ImageSpec): LifecycleImage {
  return {
    digest: digestOf(name),
    tags: spec.tags ?? [],
    pushedAt: daysAgo(spec.pushedDaysAgo),
    storageClass: spec.storageClass ?? 'STANDARD',
    ...(spec.pulledDaysAgo === undefined ? {} : { lastPulledAt: daysAgo(spec.pulledDaysAgo) }),
    ...(spec.archivedDaysAgo === undefined ? {} : { lastArchivedAt: daysAgo(spec.archivedDaysAgo) }),
    ...(spec.activatedDaysAgo === undefined ? {} : { lastActivatedAt: daysAgo(spec.activatedDaysAgo) }),
    ...(spec.parents === undefined ? {} : { parentIndexes: spec.parents.map(digestOf) }),
    ...(spec.subject === undefined ? {} : { subject: digestOf(spec.subject) }),
  };
}

/** Parses `{"rules": rules}` through the real parser, as preview and apply do. */
export function policyOf(...rules: readonly object[]): LifecyclePolicy {
  return parseLifecyclePolicy(JSON.stringify({ rules }, null, 2));
}

/** Maps digests back to the names given to {@link img}. */
export function namer(images: readonly LifecycleImage[], names: readonly string[]): (digest: string) => string {
  const byDigest = new Map(names.map((name) => [digestOf(name), name]));
  return (digest) => byDigest.get(digest) ?? `?${digest}`;
}

/** `[name, action, rulePriority]` per decision, in the result's (oldest-first) order. */
export function decided(result: LifecycleResult, name: (digest: string) => string): Array<[string, string, number]> {
  return result.decisions.map((d) => [name(d.digest), d.action, d.appliedRulePriority]);
}

export const expireRule = (rulePriority: number, selection: object): object => ({
  rulePriority,
  description: `Rule ${rulePriority}`,
  selection,
  action: { type: 'expire' },
});

export const archiveRule = (rulePriority: number, selection: object): object => ({
  rulePriority,
  description: `Rule ${rulePriority}`,
  selection,
  action: { type: 'transition', targetStorageClass: 'archive' },
});
