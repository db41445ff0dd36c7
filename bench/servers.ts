// Starting and stopping the two servers under test, and reading their process statistics
// from /proc (CPU time, peak RSS). Every child started here is tracked so that an error or a
// signal can still kill it; nothing is killed by name.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const REFERENCE_BINARY = '/usr/bin/docker-registry';

export type Implementation = 'wharf' | 'reference';

export interface RunningServer {
  /** The slot this server fills in the report ("wharf" or "reference"). */
  readonly slot: Implementation;
  /** What actually runs in the slot (the reference may stand in for Wharf with --wharf-is-reference). */
  readonly implementation: Implementation;
  readonly baseUrl: string;
  readonly pid: number;
  readonly logFile: string;
  /** How the process ended ("exit code 1", "signal SIGKILL"), or undefined while it runs. */
  exited(): string | undefined;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

/** Kills every child still running, synchronously (for exit and signal handlers). */
export function killAllSync(): void {
  for (const child of live) {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) continue;
    for (const pid of processTree(child.pid).reverse()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('could not allocate a port'))));
    });
  });
}

export function referenceVersion(): string {
  const out = spawnSync(REFERENCE_BINARY, ['--version'], { encoding: 'utf8' });
  return (out.stdout || out.stderr || '').trim() || 'unknown';
}

export interface StartOptions {
  slot: Implementation;
  /** Directory owned by this server: data, config and log live here. */
  dir: string;
}

export async function startReference(opts: StartOptions): Promise<RunningServer> {
  if (!existsSync(REFERENCE_BINARY)) throw new Error(`${REFERENCE_BINARY} not found (apt-get install docker-registry)`);
  const port = await freePort();
  const config = join(opts.dir, 'registry.yml');
  // Filesystem storage, delete enabled, auth off, as in shared/reference/real-clients.md; access
  // logs off and level warn so the reference is measured at its best, not its log throughput.
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(opts.dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      '  cache:',
      '    blobdescriptor: inmemory',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  return launch({
    slot: opts.slot,
    implementation: 'reference',
    command: REFERENCE_BINARY,
    args: ['serve', config],
    env: process.env,
    cwd: opts.dir,
    logFile: join(opts.dir, 'server.log'),
    baseUrl,
    readyPath: '/v2/',
  });
}

export interface WharfOptions extends StartOptions {
  /** Repository root (where bin/wharf lives). */
  root: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export async function startWharf(opts: WharfOptions): Promise<RunningServer> {
  const port = await freePort();
  const bin = join(opts.root, 'bin', 'wharf');
  if (!existsSync(bin)) throw new Error(`${bin} not found`);
  const baseUrl = `http://127.0.0.1:${port}`;
  return launch({
    slot: opts.slot,
    implementation: 'wharf',
    command: bin,
    args: ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', join(opts.dir, 'data')],
    env: {
      ...process.env,
      WHARF_ROOT_ACCESS_KEY_ID: opts.accessKeyId,
      WHARF_ROOT_SECRET_ACCESS_KEY: opts.secretAccessKey,
      // Documented (README, log.level); the reference runs at warn with access logs off too.
      // An explicit WHARF_LOG_LEVEL in the bench's environment wins (for debugging a run).
      WHARF_LOG_LEVEL: process.env.WHARF_LOG_LEVEL ?? 'warn',
    },
    cwd: opts.root,
    logFile: join(opts.dir, 'server.log'),
    baseUrl,
    readyPath: '/healthz',
  });
}

interface LaunchSpec {
  slot: Implementation;
  implementation: Implementation;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  baseUrl: string;
  readyPath: string;
}

const READY_TIMEOUT_MS = 60_000;

async function launch(spec: LaunchSpec): Promise<RunningServer> {
  const fd = openSync(spec.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const tree = processTree(child.pid);
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!done) child.kill('SIGKILL');
      await Promise.race([exited, sleep(2000)]);
      // Anything the server started itself and left behind.
      for (const pid of tree.slice(1)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    live.delete(child);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (spawnError) throw new Error(`${spec.slot}: could not start ${spec.command}: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      live.delete(child);
      throw new Error(
        `${spec.slot}: ${spec.command} exited (${child.exitCode ?? child.signalCode}) before it was ready; log:\n${logTail(spec.logFile)}`,
      );
    }
    if ((await probe(spec.baseUrl + spec.readyPath)) === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${spec.slot}: not ready after ${READY_TIMEOUT_MS / 1000}s; log:\n${logTail(spec.logFile)}`);
    }
    await sleep(100);
  }
  if (child.pid === undefined) throw new Error(`${spec.slot}: no pid`);
  return {
    slot: spec.slot,
    implementation: spec.implementation,
    baseUrl: spec.baseUrl,
    pid: child.pid,
    logFile: spec.logFile,
    exited: () =>
      child.exitCode !== null ? `exit code ${child.exitCode}` : child.signalCode !== null ? `signal ${child.signalCode}` : undefined,
    stop,
  };
}

function probe(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', () => resolve(0));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(0));
    req.end();
  });
}

export function logTail(file: string, lines = 30, width = 400): string {
  try {
    return readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(-lines)
      .map((l) => (l.length > width ? l.slice(0, width) + '...' : l))
      .join('\n');
  } catch {
    return '(no log)';
  }
}

// ---- /proc statistics ------------------------------------------------------------------------

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number.parseInt(out.stdout ?? '', 10);
    clockTicks = Number.isFinite(n) && n > 0 ? n : 100;
  }
  return clockTicks;
}

interface ProcStat {
  ppid: number;
  utime: number;
  stime: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses; fields resume after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  return { ppid: Number(rest[1]), utime: Number(rest[11]), stime: Number(rest[12]) };
}

/** pid followed by all its descendants (the server may run helper processes). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [pid];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(name));
    children.set(stat.ppid, list);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    out.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return out;
}

/** User + system CPU seconds of the server and its descendants (all threads included). */
export function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    const stat = readStat(p);
    if (stat) ticks += stat.utime + stat.stime;
  }
  return ticks / ticksPerSecond();
}

/** Resets VmHWM to the current RSS (Linux clear_refs 5). Returns false when not permitted. */
export function resetPeakRss(pid: number): boolean {
  let ok = true;
  for (const p of processTree(pid)) {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5');
    } catch {
      ok = false;
    }
  }
  return ok;
}

function statusField(pid: number, field: string): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set size in bytes (VmHWM), summed over the process tree. */
export function peakRssBytes(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) total += statusField(p, 'VmHWM') ?? 0;
  return total;
}

/** Current resident set size in bytes (VmRSS), summed over the process tree. */
export function rssBytes(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) total += statusField(p, 'VmRSS') ?? 0;
  return total;
}

/** Busy and total CPU seconds of the whole host since boot (from /proc/stat), all CPUs summed. */
export function hostCpuSeconds(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy: busy / ticksPerSecond(), total: (busy + idle + iowait) / ticksPerSecond() };
  } catch {
    return { busy: 0, total: 0 };
  }
}
