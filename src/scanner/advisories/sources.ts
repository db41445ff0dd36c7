import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readZipEntries, readZipEntry } from '../zip.js';

/**
 * Where OSV advisories come from, as text: a JSON file holding one advisory, a directory of them
 * (walked recursively, `.json` and `.zip` files), or one of the per-ecosystem zip archives OSV
 * publishes (`<ecosystem>/all.zip`: one advisory per entry).
 */
export interface AdvisorySource {
  /** Where the text came from, for messages: a path, or `archive.zip!entry.json`. */
  readonly origin: string;
  readonly text: string;
}

/** Largest advisory read from a zip entry; OSV's largest are well under 10 MiB. */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

export async function* advisorySources(paths: readonly string[]): AsyncGenerator<AdvisorySource> {
  for (const path of paths) yield* fromPath(path);
}

async function* fromPath(path: string): AsyncGenerator<AdvisorySource> {
  const info = await stat(path);
  if (info.isDirectory()) {
    const entries = await readdir(path, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.isDirectory() || /\.(json|zip)$/i.test(entry.name)) yield* fromPath(join(path, entry.name));
    }
    return;
  }
  if (/\.zip$/i.test(path)) {
    const archive = await readFile(path);
    for (const entry of readZipEntries(archive)) {
      if (!/\.json$/i.test(entry.name)) continue;
      yield { origin: `${path}!${entry.name}`, text: readZipEntry(archive, entry, MAX_ENTRY_BYTES).toString('utf8') };
    }
    return;
  }
  yield { origin: path, text: await readFile(path, 'utf8') };
}
