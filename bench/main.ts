// `npm run bench [-- --quick] [--only wharf|reference]`: starts Wharf and the reference registry
// (Debian's docker-registry, CNCF distribution 2.8) side by side on 127.0.0.1, measures both with
// the same client over HTTP, round after round with the order alternating, and prints medians
// with the ratio wharf/reference and the targets. Servers and temp dirs are removed at the end,
// on error and on SIGINT/SIGTERM.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BlobSource,
  MANIFEST_ACCEPT,
  makeTarget,
  pullBlob,
  pushChunked,
  pushImage,
  pushMonolithic,
  type LargeBlob,
  type Target,
} from './client.js';
import { formatLifecycleBench, runLifecycleBench } from './lifecycle.js';
import { manifestLoad, smallBlobLoad, type LoadResult } from './load.js';
import { renderScanningBench, scanningBench } from './scanning.js';
import { metricDefs, renderReport, Results, type MetricKey } from './report.js';
import {
  cpuSeconds,
  hostCpuSeconds,
  killAllSync,
  logTail,
  peakRssBytes,
  referenceVersion,
  resetPeakRss,
  startReference,
  startWharf,
  type Implementation,
  type RunningServer,
} from './servers.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

interface Options {
  quick: boolean;
  only: Implementation | undefined;
  rounds: number;
  sizeMiB: number;
  chunkMiB: number;
  loopSeconds: number;
  warmupSeconds: number;
  connections: number;
  smallConnections: number;
  smallBytes: number;
  wharfIsReference: boolean;
  keepTemp: boolean;
}

const USAGE = `usage: npm run bench -- [options]
  --quick                 256 MiB blobs, 2 s loops (default: 1 GiB, 5 s)
  --only wharf|reference  measure one server only (no ratios)
  --rounds N              rounds per metric, order alternating (default 3)
  --size-mib N            large blob size in MiB
  --chunk-mib N           PATCH chunk size in MiB (default 64)
  --seconds S             duration of each request/s loop
  --wharf-is-reference    run docker-registry in the wharf slot too (harness self-check)
  --keep-temp             keep the temp dir (data and server logs)`;

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const o: Options = {
    quick,
    only: undefined,
    rounds: 3,
    sizeMiB: quick ? 256 : 1024,
    chunkMiB: 64,
    loopSeconds: quick ? 2 : 5,
    warmupSeconds: quick ? 0.5 : 1,
    connections: 32,
    smallConnections: 16,
    smallBytes: 1024,
    wharfIsReference: false,
    keepTemp: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    const num = (): number => {
      const n = Number(value());
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${arg} needs a positive number`);
      return n;
    };
    switch (arg) {
      case '--quick':
        break;
      case '--only': {
        const v = value();
        if (v !== 'wharf' && v !== 'reference') throw new Error(`--only wharf|reference, not ${v}`);
        o.only = v;
        break;
      }
      case '--rounds':
        o.rounds = Math.floor(num());
        break;
      case '--size-mib':
        o.sizeMiB = Math.floor(num());
        break;
      case '--chunk-mib':
        o.chunkMiB = Math.floor(num());
        break;
      case '--seconds':
        o.loopSeconds = num();
        break;
      case '--wharf-is-reference':
        o.wharfIsReference = true;
        break;
      case '--keep-temp':
        o.keepTemp = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  return o;
}

// ---- cleanup -------------------------------------------------------------------------------

let tempRoot: string | undefined;
let keepTemp = false;

function cleanupSync(): void {
  killAllSync();
  if (tempRoot && !keepTemp) {
    try {
      rmSync(tempRoot, { recursive: true, force: true });
    } catch {
      // best effort
    }
    tempRoot = undefined;
  }
}

process.on('exit', cleanupSync);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping servers and removing temp dirs`);
    cleanupSync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

// ---- the run -------------------------------------------------------------------------------

function log(message: string): void {
  console.error(`[bench] ${message}`);
}

/** Flush dirty pages so one server's writeback does not land in the other's measurement. */
function syncDisks(): void {
  spawnSync('sync');
}

interface Subject {
  server: RunningServer;
  target: Target;
  /** Starts the server again on the same data dir (after it exited mid-run). */
  start: () => Promise<RunningServer>;
  restarts: number;
  /** Set when the server stopped for good; later measurements are skipped. */
  dead?: string;
}

/** How many times a server that exits mid-run is started again before it is given up. */
const MAX_RESTARTS = 2;

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  keepTemp = opts.keepTemp;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  tempRoot = mkdtempSync(join(tmpdir(), 'wharf-bench-'));
  const slots: Implementation[] = opts.only ? [opts.only] : ['wharf', 'reference'];
  const size = opts.sizeMiB * MiB;
  const chunk = opts.chunkMiB * MiB;

  // "benchkey" per the bench contract, lengthened: Wharf's config requires 16+ chars of [A-Za-z0-9_].
  const accessKeyId = `benchkey_${randomBytes(4).toString('hex')}`;
  const secret = randomBytes(24).toString('base64url');
  const authorization = 'Basic ' + Buffer.from(`${accessKeyId}:${secret}`).toString('base64');

  log(`temp dir ${tempRoot}${opts.keepTemp ? ' (kept)' : ''}`);
  log(`preparing ${opts.sizeMiB} MiB body pattern and its digest`);
  const source = new BlobSource(randomBytes(16 * MiB), size);

  const subjects = new Map<Implementation, Subject>();
  const host0 = hostCpuSeconds();
  const self0 = process.cpuUsage();
  const serverCpu = new Map<Implementation, number>();
  try {
    const started = await Promise.all(
      slots.map(async (slot) => {
        const dir = join(tempRoot as string, slot);
        mkdirSync(dir, { recursive: true });
        const start = async (): Promise<RunningServer> => {
          const server =
            slot === 'reference' || opts.wharfIsReference
              ? await startReference({ slot, dir })
              : await startWharf({ slot, dir, root, accessKeyId, secretAccessKey: secret });
          log(`${slot}: ${server.implementation} pid ${server.pid} at ${server.baseUrl}`);
          return server;
        };
        return { slot, start, server: await start() };
      }),
    );
    for (const { slot, start, server } of started) {
      subjects.set(slot, { server, start, restarts: 0, target: makeTarget(server.baseUrl, authorization) });
      serverCpu.set(slot, cpuSeconds(server.pid));
    }

    const defs = metricDefs({
      sizeMiB: opts.sizeMiB,
      chunkMiB: opts.chunkMiB,
      connections: opts.connections,
      smallConnections: opts.smallConnections,
      smallKiB: opts.smallBytes / 1024,
    });
    const results = new Results();
    const imageRepo = 'bench/manifests';
    const bigRepo = 'bench/big';
    const smallRepo = 'bench/small';
    const tag = 'latest';

    // Setup: a small image to read manifests from.
    const manifestSize = new Map<Implementation, number>();
    for (const [slot, s] of subjects) {
      try {
        const image = await pushImage(s.target, imageRepo, tag);
        manifestSize.set(slot, image.manifest.length);
        log(`${slot}: pushed ${imageRepo}:${tag} (${image.digest})`);
      } catch (err) {
        const message = errorMessage(err);
        log(`${slot}: image push failed: ${message}`);
        for (const key of ['headRps', 'getRps'] as MetricKey[]) results.fail(slot, key, `setup image push: ${message}`);
      }
    }

    /**
     * Runs one measurement. A server that exits meanwhile (a crash, or a signal from outside on a
     * shared machine) is reported with its log tail, started again on the same data dir and the
     * measurement retried once; after MAX_RESTARTS it is given up.
     */
    const measure = async <T>(slot: Implementation, key: MetricKey, fn: (s: Subject) => Promise<T>): Promise<T | undefined> => {
      const s = subjects.get(slot) as Subject;
      for (let attempt = 0; ; attempt++) {
        if (s.dead) {
          results.fail(slot, key, s.dead);
          return undefined;
        }
        const server = s.server;
        try {
          const value = await fn(s);
          if (server.exited() === undefined) return value;
        } catch (err) {
          await new Promise((r) => setTimeout(r, 200)); // let an exit be noticed
          if (server.exited() === undefined) {
            const message = errorMessage(err);
            results.fail(slot, key, message);
            log(`${slot}: ${key} failed: ${message}`);
            return undefined;
          }
        }
        const status = server.exited() as string;
        // Wharf exits 0 only through its SIGTERM/SIGINT handler: a signal from outside this bench.
        const exited = status === 'exit code 0' ? `${status} (a clean shutdown: a signal from outside?)` : status;
        const tail = indent(logTail(server.logFile, 4, 240));
        if (s.restarts >= MAX_RESTARTS) {
          s.dead = `server exited (${exited}) ${s.restarts + 1} times; given up`;
          results.fail(slot, 'server', `${exited} during ${key}; given up; last log lines:\n${tail}`);
          log(`${slot}: server ${exited} during ${key}; giving up on it`);
          continue;
        }
        s.restarts++;
        results.fail(slot, `server#${s.restarts}`, `${exited} during ${key}; restarted; last log lines:\n${tail}`);
        log(`${slot}: server ${exited} during ${key}; starting it again on the same data dir`);
        try {
          s.server = await s.start();
        } catch (err) {
          s.dead = `server exited (${exited}) and did not start again: ${errorMessage(err)}`;
          continue;
        }
        s.target.agent.destroy();
        s.target = makeTarget(s.server.baseUrl, authorization);
        serverCpu.set(slot, cpuSeconds(s.server.pid)); // the exited process's CPU now counts as other
        if (attempt >= 1) {
          results.fail(slot, key, `server exited twice during ${key}`);
          return undefined;
        }
      }
    };

    const recordLoad = (slot: Implementation, keys: [MetricKey, MetricKey, MetricKey, MetricKey], r: LoadResult | undefined, what: string): void => {
      if (!r) return;
      if (r.ok === 0) {
        results.fail(slot, keys[0], `${what}: no successful operation (${r.failed} failed, first: ${r.firstFailure})`);
        return;
      }
      if (r.failed > 0) results.fail(slot, keys[0], `${what}: ${r.failed} failed next to ${r.ok} successful (figure kept); first: ${r.firstFailure}`);
      results.add(slot, keys[0], r.perSecond);
      results.add(slot, keys[1], r.p50Ms);
      results.add(slot, keys[2], r.p99Ms);
      results.add(slot, keys[3], r.cpuPerOp === undefined ? undefined : r.cpuPerOp * 1e6);
      log(
        `${slot}: ${what} ${r.perSecond.toFixed(0)}/s p50 ${r.p50Ms?.toFixed(2)} ms p99 ${r.p99Ms?.toFixed(2)} ms ` +
          `server ${r.cpuPerOp === undefined ? '?' : (r.cpuPerOp * 1e6).toFixed(0)} us CPU/op (${r.ok} ok, ${r.failed} failed)`,
      );
    };

    const pulled = new Map<Implementation, LargeBlob>();
    for (let round = 0; round < opts.rounds; round++) {
      const order = round % 2 === 0 ? slots : [...slots].reverse();
      log(`round ${round + 1}/${opts.rounds}: order ${order.join(', ')}`);

      // Pushes: monolithic then chunked, with CPU and peak RSS measured around both.
      for (const slot of order) {
        const s = subjects.get(slot) as Subject;
        syncDisks();
        const pid = s.server.pid;
        const rssReset = resetPeakRss(pid);
        const cpu0 = cpuSeconds(pid);
        let pushedBytes = 0;
        const mono = source.newBlob();
        const monoSeconds = await measure(slot, 'pushMonolithic', (x) => pushMonolithic(x.target, bigRepo, source, mono));
        if (monoSeconds !== undefined) {
          pushedBytes += size;
          pulled.set(slot, mono);
          results.add(slot, 'pushMonolithic', size / MiB / monoSeconds);
          log(`${slot}: monolithic push ${(size / MiB / monoSeconds).toFixed(1)} MiB/s`);
        }
        const chunked = source.newBlob();
        const chunkedSeconds = await measure(slot, 'pushChunked', (x) => pushChunked(x.target, bigRepo, source, chunked, chunk));
        if (chunkedSeconds !== undefined) {
          pushedBytes += size;
          results.add(slot, 'pushChunked', size / MiB / chunkedSeconds);
          log(`${slot}: chunked push ${(size / MiB / chunkedSeconds).toFixed(1)} MiB/s`);
        }
        if (s.server.pid !== pid) {
          log(`${slot}: server restarted during the pushes; no CPU or RSS figure this round`);
        } else if (s.server.exited() === undefined) {
          const cpu = cpuSeconds(pid) - cpu0;
          if (pushedBytes > 0) results.add(slot, 'cpuPerGiB', cpu / (pushedBytes / GiB));
          else results.fail(slot, 'cpuPerGiB', 'no push succeeded');
          if (rssReset) results.add(slot, 'peakRss', peakRssBytes(pid) / MiB);
          else if (round === 0) results.add(slot, 'peakRss', peakRssBytes(pid) / MiB); // peak since start
          log(`${slot}: ${cpu.toFixed(2)} CPU s for ${(pushedBytes / GiB).toFixed(2)} GiB, peak RSS ${(peakRssBytes(pid) / MiB).toFixed(1)} MiB`);
        }
      }

      for (const slot of order) {
        const blob = pulled.get(slot);
        if (!blob) {
          results.fail(slot, 'pull', 'nothing was pushed to pull');
          continue;
        }
        const seconds = await measure(slot, 'pull', (x) => pullBlob(x.target, bigRepo, blob));
        if (seconds !== undefined) {
          results.add(slot, 'pull', size / MiB / seconds);
          log(`${slot}: pull ${(size / MiB / seconds).toFixed(1)} MiB/s`);
        }
      }

      for (const method of ['HEAD', 'GET'] as const) {
        const keys: [MetricKey, MetricKey, MetricKey, MetricKey] =
          method === 'HEAD' ? ['headRps', 'headP50', 'headP99', 'headCpu'] : ['getRps', 'getP50', 'getP99', 'getCpu'];
        for (const slot of order) {
          if (results.error(slot, keys[0])?.startsWith('setup')) continue;
          const r = await measure(slot, keys[0], (x) =>
            manifestLoad(x.target, {
              method,
              path: `/v2/${imageRepo}/manifests/${tag}`,
              accept: MANIFEST_ACCEPT,
              size: manifestSize.get(slot) ?? 0,
              connections: opts.connections,
              seconds: opts.loopSeconds,
              warmupSeconds: opts.warmupSeconds,
              cpu: () => cpuSeconds(x.server.pid),
            }),
          );
          recordLoad(slot, keys, r, `${method} manifest`);
        }
      }

      for (const slot of order) {
        const r = await measure(slot, 'smallRps', (x) =>
          smallBlobLoad(x.target, {
            repo: smallRepo,
            blobSize: opts.smallBytes,
            connections: opts.smallConnections,
            seconds: opts.loopSeconds,
            warmupSeconds: opts.warmupSeconds,
            cpu: () => cpuSeconds(x.server.pid),
          }),
        );
        recordLoad(slot, ['smallRps', 'smallP50', 'smallP99', 'smallCpu'], r, 'small-blob push');
      }
    }

    // How much of the machine went to processes other than this client and the two servers.
    const host1 = hostCpuSeconds();
    const self = process.cpuUsage(self0);
    let ours = (self.user + self.system) / 1e6;
    for (const [slot, s] of subjects) ours += cpuSeconds(s.server.pid) - (serverCpu.get(slot) ?? 0);
    const elapsedTotal = host1.total - host0.total;
    const others = Math.max(0, host1.busy - host0.busy - ours);
    const othersShare = elapsedTotal > 0 ? others / elapsedTotal : 0;
    const noise =
      `  other processes used ${(othersShare * 100).toFixed(0)}% of the machine's CPU during the run` +
      (othersShare > 0.1 ? ' -- NOISY: figures are indicative only' : '');

    const title = [
      opts.only
        ? `Wharf benchmark: ${opts.only} only (--only), over HTTP on 127.0.0.1`
        : 'Wharf benchmark: wharf vs reference (Debian docker-registry) side by side over HTTP on 127.0.0.1, same client',
      `  reference: ${referenceVersion()}${opts.wharfIsReference ? '; WHARF SLOT RUNS THE REFERENCE (--wharf-is-reference)' : ''}`,
      '  both servers log at warn with no access log (reference: log.accesslog.disabled; wharf: WHARF_LOG_LEVEL=warn)',
      noise,
      `  node ${process.version}, ${cpus().length} CPUs, ${opts.rounds} rounds (order alternating), medians; peak RSS is the max over rounds`,
      `  blobs ${opts.sizeMiB} MiB (chunks ${opts.chunkMiB} MiB), loops ${opts.loopSeconds} s after ${opts.warmupSeconds} s warm-up, ` +
        `${opts.connections} conns for manifests, ${opts.smallConnections} for ${opts.smallBytes}-byte blob pushes (POST+PUT)`,
    ];
    console.log('\n' + renderReport({ slots, title, defs, results }));
    // In process, no server: the pure lifecycle engine over 100,000 synthetic images.
    console.log('\n' + formatLifecycleBench(runLifecycleBench({ runs: opts.quick ? 3 : 7 })));
    // In process: re-matching 10,000 stored SBOMs after an advisory update, and cataloging a large layer.
    console.log('\n' + renderScanningBench(await scanningBench(opts.quick)));
  } finally {
    await Promise.all([...subjects.values()].map((s) => s.server.stop()));
    for (const s of subjects.values()) s.target.agent.destroy();
    cleanupSync();
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

main().catch((err: unknown) => {
  console.error(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  cleanupSync();
  process.exitCode = 1;
});
