import type { Clock } from '../../domain/clock.js';
import type { MetadataStore, NewAdvisory, VulnDbVersion } from '../../storage/metadata/metadata-store.js';
import { advisoryPackageKeys } from '../advisory-keys.js';
import { RESCAN_QUEUE } from '../scan-queue.js';
import type { OsvAdvisory } from './osv.js';
import { advisorySources } from './sources.js';

/**
 * `wharf vulndb import`: OSV advisories into the MetadataStore. Idempotent (an advisory whose
 * `modified` is already stored changes nothing) and versioned: an import that added or changed
 * anything records the next database version and, in the same transaction, enqueues the
 * `rescan` job that re-matches stored SBOMs (CONTINUOUS_SCAN).
 */

export interface ImportProgress {
  read: number;
  added: number;
  updated: number;
  unchanged: number;
  invalid: number;
}

export interface ImportResult extends ImportProgress {
  /** The new database version, when something changed. */
  readonly version?: VulnDbVersion;
  /** Why some inputs were skipped (first few). */
  readonly problems: readonly string[];
}

const BATCH = 500;
const MAX_PROBLEMS = 20;

export async function importAdvisories(
  options: { readonly metadata: MetadataStore; readonly clock: Clock; readonly onProgress?: (p: Readonly<ImportProgress>) => void },
  paths: readonly string[],
): Promise<ImportResult> {
  const { metadata, clock } = options;
  const progress: ImportProgress = { read: 0, added: 0, updated: 0, unchanged: 0, invalid: 0 };
  const problems: string[] = [];
  let batch: NewAdvisory[] = [];
  const flush = async () => {
    const pending = batch;
    batch = [];
    if (pending.length === 0) return;
    await metadata.write(async (tx) => {
      for (const advisory of pending) progress[await tx.advisories.put(advisory, clock.now())]++;
    });
    options.onProgress?.(progress);
  };
  for await (const source of advisorySources(paths)) {
    progress.read++;
    const parsed = parseAdvisory(source.text);
    if (typeof parsed === 'string') {
      progress.invalid++;
      if (problems.length < MAX_PROBLEMS) problems.push(`${source.origin}: ${parsed}`);
      continue;
    }
    batch.push(parsed);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  if (progress.added + progress.updated === 0) return { ...progress, problems };
  const version = await metadata.write(async (tx) => {
    const now = clock.now();
    const v = await tx.advisories.recordVersion({ added: progress.added, updated: progress.updated }, now);
    await tx.jobs.enqueue({ queue: RESCAN_QUEUE, payload: { version: v.version }, singletonKey: RESCAN_QUEUE }, now);
    return v;
  });
  return { ...progress, version, problems };
}

/** An advisory ready to store, or why the text is not one. */
export function parseAdvisory(text: string): NewAdvisory | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (!isObject(doc)) return 'not a JSON object';
  const advisory = doc as unknown as OsvAdvisory;
  if (typeof advisory.id !== 'string' || advisory.id === '') return 'no "id"';
  if (typeof advisory.modified !== 'string' || advisory.modified === '') return `${advisory.id}: no "modified"`;
  const problem = shapeProblem(doc);
  if (problem !== undefined) return `${advisory.id}: ${problem}`;
  return { id: advisory.id, modified: advisory.modified, document: JSON.stringify(advisory), packages: advisoryPackageKeys(advisory) };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Where the fields the scanner reads have the wrong type. A stored advisory is matched against
 * every image naming its packages, so one that would throw or mislead (a string `versions` would
 * match by substring) must be refused at import, not at scan time.
 */
function shapeProblem(doc: Json): string | undefined {
  const strings = (value: unknown, at: string) => (value === undefined || (Array.isArray(value) && value.every((v) => typeof v === 'string')) ? undefined : `"${at}" is not an array of strings`);
  const string = (value: unknown, at: string) => (value === undefined || typeof value === 'string' ? undefined : `"${at}" is not a string`);
  const each = (value: unknown, at: string, check: (item: Json, at: string) => string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return `"${at}" is not an array`;
    for (const [i, item] of value.entries()) {
      const problem = isObject(item) ? check(item, `${at}[${i}]`) : `"${at}[${i}]" is not an object`;
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
  const severity = (s: Json, at: string) => (typeof s.type === 'string' && typeof s.score === 'string' ? undefined : `"${at}" needs a string "type" and "score"`);
  const event = (e: Json, at: string) => (Object.values(e).every((v) => typeof v === 'string') ? undefined : `"${at}" has a version that is not a string`);
  const range = (r: Json, at: string) => (typeof r.type !== 'string' ? `"${at}.type" is not a string` : r.events === undefined ? `"${at}" has no "events"` : each(r.events, `${at}.events`, event));
  const affected = (a: Json, at: string) => {
    if (a.package !== undefined && !(isObject(a.package) && typeof a.package.ecosystem === 'string' && typeof a.package.name === 'string')) {
      return `"${at}.package" needs a string "ecosystem" and "name"`;
    }
    return strings(a.versions, `${at}.versions`) ?? each(a.ranges, `${at}.ranges`, range) ?? each(a.severity, `${at}.severity`, severity);
  };
  return (
    strings(doc.aliases, 'aliases') ??
    string(doc.withdrawn, 'withdrawn') ??
    string(doc.summary, 'summary') ??
    string(doc.details, 'details') ??
    string(doc.published, 'published') ??
    each(doc.severity, 'severity', severity) ??
    each(doc.references, 'references', (r, at) => (typeof r.url === 'string' ? undefined : `"${at}.url" is not a string`)) ??
    each(doc.affected, 'affected', affected)
  );
}
