import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: this file lives in test/helpers/. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface StartWharfOptions {
  /** Data directory to use; kept on stop. Default: a fresh temp dir, removed on stop. */
  dataDir?: string;
  /** Extra environment for the server (e.g. root credentials). */
  env?: Record<string, string>;
  /** Extra arguments after `serve --listen … --data-dir …`. */
  args?: string[];
  /** How long to wait for /healthz (default 60 s). */
  readyTimeoutMs?: number;
}

export interface WharfProcess {
  /** `127.0.0.1:PORT`, as registry clients want it. */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
  dataDir: string;
  pid: number;
  /** SIGTERM, wait for exit (SIGKILL after 15 s); removes the data dir if the helper made it. */
  stop(): Promise<void>;
  /** SIGKILL, wait for exit; keeps the data dir, for a restart. */
  kill9(): Promise<void>;
  /** Stops the process if it still runs, then starts a new one on the same port and data dir. */
  restart(): Promise<WharfProcess>;
  /** Everything the server printed on stdout and stderr so far. */
  logs(): string;
}

interface Launch {
  port: number;
  dataDir: string;
  ownsDataDir: boolean;
  env: Record<string, string>;
  args: string[];
  readyTimeoutMs: number;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts `bin/wharf serve` as a real process on a free loopback port and waits until it is ready. */
export async function startWharf(opts: StartWharfOptions = {}): Promise<WharfProcess> {
  const dataDir = opts.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'wharf-test-')) : resolve(projectRoot, opts.dataDir);
  return launch({
    port: await freePort(),
    dataDir,
    ownsDataDir: opts.dataDir === undefined,
    env: opts.env ?? {},
    args: opts.args ?? [],
    readyTimeoutMs: opts.readyTimeoutMs ?? 60_000,
  });
}

async function launch(spec: Launch): Promise<WharfProcess> {
  const host = `127.0.0.1:${spec.port}`;
  const url = `http://${host}`;
  const env: Record<string, string | undefined> = { ...process.env, ...spec.env };
  // Credentials come from the caller or from the server's own first-start file, never from the
  // developer's shell.
  for (const key of ['WHARF_ROOT_ACCESS_KEY_ID', 'WHARF_ROOT_SECRET_ACCESS_KEY']) {
    if (!(key in spec.env)) delete env[key];
  }
  const child = spawn(
    process.execPath,
    [join(projectRoot, 'bin', 'wharf'), 'serve', '--listen', host, '--data-dir', spec.dataDir, ...spec.args],
    { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  live.add(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (output += s));
  const exited = new Promise<void>((res) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      output += `\n[start-wharf] process exited (code ${code}, signal ${signal})\n`;
      res();
    }),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  const logs = () => output;

  const kill = async (signal: NodeJS.Signals) => {
    if (!running()) return;
    child.kill(signal);
    if (signal === 'SIGKILL') return exited;
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };

  let creds: Credentials;
  try {
    await waitReady(url, spec.readyTimeoutMs, running);
    creds = await rootCredentials(spec, output);
  } catch (err) {
    await kill('SIGKILL');
    if (spec.ownsDataDir) await rm(spec.dataDir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n--- wharf output ---\n${output}`);
  }

  return {
    host,
    url,
    dataDir: spec.dataDir,
    pid: child.pid!,
    ...creds,
    logs,
    async stop() {
      await kill('SIGTERM');
      if (spec.ownsDataDir) await rm(spec.dataDir, { recursive: true, force: true });
    },
    kill9: () => kill('SIGKILL'),
    async restart() {
      await kill('SIGTERM');
      return launch(spec);
    },
  };
}

async function waitReady(url: string, timeoutMs: number, running: () => boolean): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = 'no answer';
  while (performance.now() < deadline) {
    if (!running()) throw new Error(`wharf exited before ${url}/healthz answered 200`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`wharf did not answer 200 on ${url}/healthz within ${timeoutMs} ms (last: ${last})`);
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

// ---- root credentials --------------------------------------------------------------------------

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The root credentials: from WHARF_ROOT_* when the caller set them, otherwise from the file the
 * server wrote on first start. The file is found through the server's JSON log (any string that
 * names an existing file in the data dir) or, failing that, among the owner-only files of the
 * data dir.
 */
async function rootCredentials(spec: Launch, output: string): Promise<Credentials> {
  const id = spec.env.WHARF_ROOT_ACCESS_KEY_ID;
  const secret = spec.env.WHARF_ROOT_SECRET_ACCESS_KEY;
  if (id && secret) return { accessKeyId: id, secretAccessKey: secret };

  const candidates = [...pathsInLog(output, spec.dataDir), ...(await ownerOnlyFiles(spec.dataDir))];
  for (const file of new Set(candidates)) {
    const creds = parseCredentials(await readFile(file, 'utf8').catch(() => ''));
    if (creds) return creds;
  }
  throw new Error(
    `could not find the generated root credentials: no file named in the log or owner-only file in ${spec.dataDir} ` +
      `holds an access key id and a secret (looked at: ${[...new Set(candidates)].join(', ') || 'nothing'})`,
  );
}

function pathsInLog(output: string, dataDir: string): string[] {
  const found: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/(\/[^\s"'`,;)]+)/g)) {
        const p = m[1]!;
        if (isAbsolute(p) && p.startsWith(dataDir)) found.push(p);
      }
    } else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      visit(JSON.parse(line));
    } catch {
      /* not a JSON log line */
    }
  }
  return found;
}

async function ownerOnlyFiles(dir: string, depth = 2): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, entry.name);
    if (entry.isDirectory() && depth > 0) out.push(...(await ownerOnlyFiles(p, depth - 1)));
    else if (entry.isFile()) {
      const st = await stat(p);
      if ((st.mode & 0o077) === 0 && st.size < 64 * 1024) out.push(p);
    }
  }
  return out;
}

/** Reads an access key id and secret from JSON (any nesting) or from `KEY=value` / `key: value` lines. */
export function parseCredentials(text: string): Credentials | undefined {
  const pairs: Array<[string, string]> = [];
  const visit = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    for (const [k, val] of Object.entries(v)) {
      if (typeof val === 'string') pairs.push([k, val]);
      else visit(val);
    }
  };
  try {
    visit(JSON.parse(text));
  } catch {
    for (const line of text.split('\n')) {
      const m = /^\s*(?:export\s+)?([\w.-]+)\s*[=:]\s*["']?([^"'\s#]+)["']?\s*$/.exec(line);
      if (m) pairs.push([m[1]!, m[2]!]);
    }
  }
  const norm = (k: string) => k.toLowerCase().replace(/[^a-z]/g, '');
  const accessKeyId = pairs.find(([k]) => norm(k).endsWith('accesskeyid'))?.[1];
  const secretAccessKey = pairs.find(([k]) => /secret/.test(norm(k)))?.[1];
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}
