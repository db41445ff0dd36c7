import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import { run } from './exec.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A PostgreSQL URL for the tests: `WHARF_TEST_DATABASE_URL` or the default local server when it
 * answers, else a throwaway cluster started with this machine's initdb/pg_ctl and stopped after
 * the test file (so call this at the top level of a test file). When neither works it throws
 * under CI=true (a missing backend fails the run) and otherwise warns loudly and resolves
 * undefined, for `describe.skipIf`.
 */
export async function findPostgres(): Promise<string | undefined> {
  const url = process.env.WHARF_TEST_DATABASE_URL ?? DEFAULT_URL;
  const reasons: string[] = [];
  for (const candidate of [async () => url, startThrowawayCluster]) {
    try {
      const found = await candidate();
      await execute(found, 'select 1');
      return found;
    } catch (err) {
      reasons.push(err instanceof Error ? err.message : String(err));
    }
  }
  const message = `no PostgreSQL for the tests: ${url} did not answer and no throwaway cluster could start:\n${reasons.join('\n')}`;
  if (process.env.CI === 'true') throw new Error(`${message}\nunder CI=true a missing backend fails the run`);
  console.warn(`\n${'!'.repeat(100)}\n!!! SKIPPING PostgreSQL tests: ${message}\n${'!'.repeat(100)}\n`);
  return undefined;
}

/** A schema name no other test uses. */
export function randomSchemaName(): string {
  return `test_${randomBytes(8).toString('hex')}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  await execute(url, `drop schema if exists "${schema}" cascade`);
}

/** Runs one statement on its own connection. */
export async function execute(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** initdb + pg_ctl start on a free port, as the `postgres` user when running as root. */
async function startThrowawayCluster(): Promise<string> {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((v) => `/usr/lib/postgresql/${v}/bin`).find((dir) => existsSync(join(dir, 'initdb')));
  if (!bin) throw new Error('no initdb under /usr/lib/postgresql/*/bin');
  // PostgreSQL refuses to run as root; runuser needs no shell quoting (unlike su -c).
  const asRoot = process.getuid?.() === 0;
  const command = (tool: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];

  const dir = mkdtempSync(join(tmpdir(), 'wharf-pg-'));
  const data = join(dir, 'data');
  const stop = () => {
    try {
      execFileSync(...command('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']), { stdio: 'ignore' });
    } catch {
      // Not running (start failed, or already stopped): nothing to stop.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
    const port = await freePort();
    await run(...command('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']));
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await run(...command('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', settings, '-w', 'start']));
    // Vitest ends its workers without running process 'exit' handlers, so stop after the file.
    afterAll(stop);
    return `postgres://postgres@127.0.0.1:${port}/postgres`;
  } catch (err) {
    stop();
    throw err;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
