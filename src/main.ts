import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from './app.js';
import { resolveRootCredentials } from './auth/root-credentials.js';
import { ConfigError, loadConfig } from './config/load.js';
import { ConfigSchema, type Config } from './config/schema.js';
import { systemClock } from './domain/clock.js';
import { loadRegistryKey } from './crypto/registry-key.js';
import { IamAuthorizer } from './policy/iam-authorizer.js';
import { JobRunner } from './jobs/job-runner.js';
import { GcService } from './services/gc-service.js';
import { LifecycleService } from './services/lifecycle-service.js';
import { ManifestService } from './services/manifest-service.js';
import { lazyScanService, RESCAN_QUEUE, SCAN_QUEUE, type ScanJob } from './scanner/scan-queue.js';
import { FsBlobStore } from './storage/blob/fs-blob-store.js';
import { migrateMetadataStore, openMetadataStore, type MetadataStoreConfig } from './storage/metadata/open.js';

const USAGE = `usage: wharf <command> [options]

commands:
  serve     run the registry
  migrate   apply database migrations and exit
  gc        run garbage collection once and exit
  iam       manage IAM users, access keys, roles and policies in the database (wharf iam help)
  lifecycle apply lifecycle policies now (lifecycle run [--repository NAME] [--dry-run]), one JSON line per image
  sbom      print an image's SBOM (sbom REPOSITORY@DIGEST|REPOSITORY:TAG [--format cyclonedx|spdx])
  vulndb    import OSV advisories (vulndb import PATH…) or show the database version (vulndb status)
  config    print the configuration schema (config schema) or the effective config (config show)

options (serve, migrate, gc, iam, config show):
  --listen HOST:PORT    address to listen on (default 127.0.0.1:5000; env WHARF_LISTEN)
  --data-dir DIR        data directory (default ./wharf-data; env WHARF_DATA_DIR)
  --config FILE         YAML or JSON config file (env WHARF_CONFIG)
  --database-url URL    PostgreSQL for metadata instead of SQLite (env WHARF_DATABASE_URL)
  --region REGION       AWS region the registry presents (default us-east-1)
  --account-id ID       12-digit account id (default 000000000000)`;

/** Finished jobs are kept this long for inspection, then purged by the GC job. */
const FINISHED_JOB_RETENTION_MS = 7 * 24 * 3600 * 1000;

const FLAG_OPTIONS = {
  listen: { type: 'string' },
  'data-dir': { type: 'string' },
  config: { type: 'string' },
  'database-url': { type: 'string' },
  region: { type: 'string' },
  'account-id': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(await configFrom(rest));
      case 'migrate': {
        const applied = await migrateMetadataStore(metadataConfig(await configFrom(rest)));
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
        return;
      }
      case 'gc':
        return await runGcOnce(await configFrom(rest));
      // Commands other than serve load their modules when run, so the server never holds them.
      case 'iam': {
        const { IAM_USAGE, runIamCommand } = await import('./cli/iam.js');
        const { config, positionals } = await commandLine(rest, IAM_USAGE);
        process.exitCode = await runIamCommand(positionals, { config, openMetadata: () => openMetadata(config) });
        return;
      }
      case 'sbom': {
        const { runSbomCommand, SBOM_USAGE } = await import('./cli/sbom.js');
        const formatAt = rest.indexOf('--format');
        const format = formatAt < 0 ? undefined : rest[formatAt + 1];
        const others = formatAt < 0 ? rest : [...rest.slice(0, formatAt), ...rest.slice(formatAt + 2)];
        const { config, positionals } = await commandLine(others, SBOM_USAGE);
        process.exitCode = await runSbomCommand(positionals, format, { clock: systemClock, openStores: () => openStores(config) });
        return;
      }
      case 'lifecycle': {
        const { LIFECYCLE_USAGE, lifecycleArgs, runLifecycleCommand } = await import('./cli/lifecycle.js');
        const { repository, dryRun, rest: shared } = lifecycleArgs(rest);
        const { config, positionals } = await commandLine(shared, LIFECYCLE_USAGE);
        process.exitCode = await runLifecycleCommand(positionals, { repository, dryRun }, { clock: systemClock, openMetadata: () => openMetadata(config) });
        return;
      }
      case 'vulndb': {
        const { runVulndbCommand, VULNDB_USAGE } = await import('./cli/vulndb.js');
        const { config, positionals } = await commandLine(rest, VULNDB_USAGE);
        process.exitCode = await runVulndbCommand(positionals, { clock: systemClock, openMetadata: () => openMetadata(config) });
        return;
      }
      case 'config':
        if (rest[0] === 'schema') return console.log(JSON.stringify(ConfigSchema, null, 2));
        if (rest[0] === 'show') return console.log(JSON.stringify(redact(await configFrom(rest.slice(1))), null, 2));
        break;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return;
    }
    console.error(`unknown command: ${argv.join(' ')}\n\n${USAGE}`);
    process.exitCode = 2;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}

async function configFrom(args: string[]): Promise<Config> {
  const { config, positionals } = await commandLine(args);
  if (positionals.length > 0) throw new ConfigError([`unexpected argument: ${positionals[0]}`]);
  return config;
}

/** The options every command shares, and the arguments that are not options (for `iam`). */
async function commandLine(args: string[], usage = USAGE): Promise<{ config: Config; positionals: string[] }> {
  const { values, positionals } = parseArgs({ args, options: FLAG_OPTIONS, strict: true, allowPositionals: true });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const config = await loadConfig({
    file: values.config,
    flags: {
      listen: values.listen,
      dataDir: values['data-dir'],
      databaseUrl: values['database-url'],
      region: values.region,
      accountId: values['account-id'],
    },
  });
  return { config, positionals };
}

function metadataConfig(config: Config): MetadataStoreConfig {
  return config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl }
    : { kind: 'sqlite', file: path.resolve(config.dataDir, 'wharf.db') };
}

async function openMetadata(config: Config) {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  return openMetadataStore(metadataConfig(config));
}

async function openStores(config: Config) {
  const metadata = await openMetadata(config);
  const blobs = new FsBlobStore(path.resolve(config.dataDir, 'blobs'), systemClock);
  return { metadata, blobs };
}

function gcService(config: Config, stores: Awaited<ReturnType<typeof openStores>>): GcService {
  return new GcService({
    ...stores,
    clock: systemClock,
    blobGraceMs: config.gc.blobGraceSeconds * 1000,
    uploadTtlMs: config.gc.uploadTtlSeconds * 1000,
  });
}

async function runGcOnce(config: Config): Promise<void> {
  const stores = await openStores(config);
  try {
    console.log(JSON.stringify(await gcService(config, stores).run()));
  } finally {
    await stores.metadata.close();
  }
}

async function serve(config: Config): Promise<void> {
  const stores = await openStores(config);
  const root = await resolveRootCredentials(config);
  const registryKey = await loadRegistryKey({ dataDir: config.dataDir, file: config.auth.registryKeyFile });
  const authorizer = new IamAuthorizer({ metadata: stores.metadata, clock: systemClock, config });
  const app = await buildApp(config, { ...stores, clock: systemClock, root, registryKey, authorizer });
  if (root.file) app.log.info({ file: root.file, accessKeyId: root.accessKeyId }, 'root credentials are in this file (readable only by its owner)');

  const gc = gcService(config, stores);
  const lifecycle = new LifecycleService({ metadata: stores.metadata, clock: systemClock, manifests: new ManifestService({ metadata: stores.metadata, clock: systemClock }) });
  const scanner = lazyScanService({ ...stores, clock: systemClock });
  const jobs = new JobRunner({
    metadata: stores.metadata,
    clock: systemClock,
    log: app.log,
    handlers: [
      {
        queue: 'gc',
        run: async () => {
          const report = await gc.run();
          const purgedJobs = await stores.metadata.write((tx) => tx.jobs.purgeFinished(new Date(systemClock.now().getTime() - FINISHED_JOB_RETENTION_MS)));
          app.log.info({ gc: report, purgedJobs }, 'garbage collection finished');
        },
      },
      {
        queue: 'lifecycle',
        run: async () => {
          const applied = await lifecycle.applyAll();
          app.log.info({ expired: applied.filter((d) => d.action === 'EXPIRE' && d.outcome === 'done').length, archived: applied.filter((d) => d.action === 'TRANSITION' && d.outcome === 'done').length }, 'lifecycle policies applied');
        },
      },
      { queue: SCAN_QUEUE, run: async (payload) => (await scanner()).scan(payload as ScanJob) },
      {
        queue: RESCAN_QUEUE,
        run: async () => app.log.info({ rescan: await (await scanner()).rescan() }, 'continuous scan re-matched stored SBOMs'),
      },
    ],
    schedules: [
      { queue: 'gc', everyMs: config.gc.intervalSeconds * 1000 },
      { queue: 'lifecycle', everyMs: config.lifecycle.intervalSeconds * 1000 },
    ],
  });

  const { host, port } = parseListen(config.listen);
  await app.listen({ host, port });
  jobs.start();

  const shutdown = async (signal: string): Promise<void> => {
    app.log.info({ signal }, 'shutting down');
    await jobs.stop();
    await app.close();
    await stores.metadata.close();
    process.exit(0);
  };
  process.once('SIGINT', (s) => void shutdown(s));
  process.once('SIGTERM', (s) => void shutdown(s));
}

function parseListen(listen: string): { host: string; port: number } {
  const at = listen.lastIndexOf(':');
  const port = Number(listen.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError([`listen: "${listen}" is not HOST:PORT`]);
  return { host: listen.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port };
}

function redact(config: Config): unknown {
  return { ...config, auth: { ...config.auth, rootSecretAccessKey: config.auth.rootSecretAccessKey ? '<redacted>' : undefined } };
}
