import type { Clock } from '../../domain/clock.js';
import type { MetadataStore, NewAdvisory, VulnDbVersion } from '../../storage/metadata/metadata-store.js';
import { advisoryPackageKeys } from '../advisory-keys.js';
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

export const RESCAN_QUEUE = 'rescan';

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
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'not a JSON object';
  const advisory = doc as OsvAdvisory;
  if (typeof advisory.id !== 'string' || advisory.id === '') return 'no "id"';
  if (typeof advisory.modified !== 'string' || advisory.modified === '') return `${advisory.id}: no "modified"`;
  if (advisory.affected !== undefined && !Array.isArray(advisory.affected)) return `${advisory.id}: "affected" is not an array`;
  return { id: advisory.id, modified: advisory.modified, document: JSON.stringify(advisory), packages: advisoryPackageKeys(advisory) };
}
