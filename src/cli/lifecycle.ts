import type { Clock } from '../domain/clock.js';
import { LifecycleService } from '../services/lifecycle-service.js';
import { ManifestService } from '../services/manifest-service.js';
import type { MetadataStore } from '../storage/metadata/metadata-store.js';

export const LIFECYCLE_USAGE = `usage: wharf lifecycle run [--repository NAME] [--dry-run] [options]

Applies the lifecycle policy of every repository that has one (or of NAME) now, and prints one
JSON line per image expired or archived (with --dry-run: that would be). Blobs are left to GC.`;

/** Takes `--repository NAME` / `--repository=NAME` and `--dry-run` out of `args`; the rest are the shared options. */
export function lifecycleArgs(args: readonly string[]): { repository?: string; dryRun: boolean; rest: string[] } {
  const rest: string[] = [];
  let repository: string | undefined;
  let dryRun = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--repository') repository = args[++i];
    else if (arg.startsWith('--repository=')) repository = arg.slice('--repository='.length);
    else rest.push(arg);
  }
  return { ...(repository === undefined ? {} : { repository }), dryRun, rest };
}

/** `wharf lifecycle run`; returns the exit code. */
export async function runLifecycleCommand(
  positionals: readonly string[],
  options: { repository?: string | undefined; dryRun: boolean },
  deps: { clock: Clock; openMetadata: () => Promise<MetadataStore> },
): Promise<number> {
  if (positionals.length !== 1 || positionals[0] !== 'run') {
    console.error(LIFECYCLE_USAGE);
    return 2;
  }
  const metadata = await deps.openMetadata();
  try {
    const lifecycle = new LifecycleService({ metadata, clock: deps.clock, manifests: new ManifestService({ metadata, clock: deps.clock }) });
    const applied = await lifecycle.applyAll({ ...(options.repository === undefined ? {} : { repositoryName: options.repository }), dryRun: options.dryRun });
    for (const decision of applied) console.log(JSON.stringify(decision));
    return 0;
  } finally {
    await metadata.close();
  }
}
