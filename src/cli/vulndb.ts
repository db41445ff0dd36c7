import type { Clock } from '../domain/clock.js';
import { importAdvisories, type ImportProgress } from '../scanner/advisories/import.js';
import type { MetadataStore } from '../storage/metadata/metadata-store.js';

export const VULNDB_USAGE = `usage: wharf vulndb <command> [--data-dir DIR | --database-url URL] [--config FILE]

commands:
  import PATH…   import OSV advisories: JSON files (one advisory each), directories of them
                 (recursive), or OSV's per-ecosystem zip archives. Advisories already stored with
                 the same "modified" are left alone; an import that changes anything bumps the
                 database version, and a running server re-matches stored SBOMs.
  status         print the database version and the number of advisories`;

export interface VulnDbCommandIo {
  readonly openMetadata: () => Promise<MetadataStore>;
  readonly clock: Clock;
  readonly stdout?: (line: string) => void;
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

export async function runVulndbCommand(args: readonly string[], io: VulnDbCommandIo): Promise<number> {
  const [command, ...paths] = args;
  const out = io.stdout ?? ((line: string) => console.log(line));
  const err = io.stderr ?? process.stderr;
  if (command !== 'import' && command !== 'status') {
    err.write(`${VULNDB_USAGE}\n`);
    return 2;
  }
  if (command === 'import' && paths.length === 0) {
    err.write('vulndb import: name at least one file or directory\n');
    return 2;
  }
  const metadata = await io.openMetadata();
  try {
    if (command === 'status') {
      const [version, count] = await metadata.read(async (tx) => [await tx.advisories.currentVersion(), await tx.advisories.count()] as const);
      out(JSON.stringify({ version: version?.version ?? 0, importedAt: version?.importedAt.toISOString(), advisories: count }));
      return 0;
    }
    const line = (p: Readonly<ImportProgress>) => `vulndb import: ${p.read} read, ${p.added} added, ${p.updated} updated, ${p.unchanged} unchanged, ${p.invalid} invalid`;
    let last = 0;
    const result = await importAdvisories(
      {
        metadata,
        clock: io.clock,
        onProgress: (p) => {
          const now = io.clock.now().getTime();
          if (err.isTTY && now - last > 200) {
            last = now;
            err.write(`\r${line(p)}`);
          }
        },
      },
      paths,
    );
    err.write(`${err.isTTY ? '\r' : ''}${line(result)}\n`);
    for (const problem of result.problems) err.write(`  skipped ${problem}\n`);
    out(JSON.stringify({ version: result.version?.version ?? (await metadata.read((tx) => tx.advisories.currentVersion()))?.version ?? 0, added: result.added, updated: result.updated, unchanged: result.unchanged, invalid: result.invalid }));
    return 0;
  } finally {
    await metadata.close();
  }
}
