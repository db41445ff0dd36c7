// Request/s loops: a fixed number of keep-alive connections, each with one request in flight,
// hammering one server for a fixed duration after a short warm-up. Latency is measured per
// operation (one request, or POST+PUT for a blob push) with sub-millisecond resolution.
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Target } from './client.js';
import { RawConnection } from './raw-http.js';
import { LatencyRecorder } from './stats.js';

export interface LoadResult {
  /** Successful operations (requests answered with the expected status, or completed pushes). */
  ok: number;
  /** Failed operations: unexpected statuses, connection errors. */
  failed: number;
  /** First failure seen, for the report. */
  firstFailure: string | undefined;
  seconds: number;
  perSecond: number;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  /** Server CPU seconds per successful operation, when a CPU probe was given. */
  cpuPerOp: number | undefined;
}

/** Reads the server's cumulative CPU seconds (see servers.ts cpuSeconds). */
export type CpuProbe = () => number;

/** One operation on a connection; resolves to undefined on success or a failure description. */
type Operation = (conn: RawConnection) => Promise<string | undefined>;

async function runLoop(
  t: Target,
  connections: number,
  seconds: number,
  op: Operation,
  latencies?: LatencyRecorder,
): Promise<Omit<LoadResult, 'p50Ms' | 'p99Ms' | 'cpuPerOp'>> {
  const url = new URL(t.baseUrl);
  const conns = Array.from({ length: connections }, () => new RawConnection(url.hostname, Number(url.port)));
  let ok = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const fail = (message: string): void => {
    failed++;
    firstFailure ??= message;
  };
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  try {
    await Promise.all(
      conns.map(async (conn) => {
        while (performance.now() < deadline) {
          const start = performance.now();
          try {
            const failure = await op(conn);
            if (failure === undefined) {
              ok++;
              latencies?.record(performance.now() - start);
            } else {
              fail(failure);
            }
          } catch (err) {
            fail(err instanceof Error ? err.message : String(err));
            conn.close();
            // A refused or reset connection must not turn into a busy loop.
            await new Promise((r) => setTimeout(r, 10));
          }
        }
      }),
    );
  } finally {
    for (const c of conns) c.close();
  }
  const elapsed = (performance.now() - t0) / 1000;
  return { ok, failed, firstFailure, seconds: elapsed, perSecond: ok / elapsed };
}

export interface LoopOptions {
  connections: number;
  seconds: number;
  warmupSeconds: number;
  cpu?: CpuProbe;
}

async function measured(t: Target, o: LoopOptions, op: Operation): Promise<LoadResult> {
  if (o.warmupSeconds > 0) await runLoop(t, o.connections, o.warmupSeconds, op);
  const latencies = new LatencyRecorder();
  const cpu0 = o.cpu?.();
  const r = await runLoop(t, o.connections, o.seconds, op, latencies);
  const cpu1 = o.cpu?.();
  const { p50, p99 } = latencies.percentiles();
  const cpuPerOp = cpu0 !== undefined && cpu1 !== undefined && r.ok > 0 ? (cpu1 - cpu0) / r.ok : undefined;
  return { ...r, p50Ms: p50, p99Ms: p99, cpuPerOp };
}

export interface ManifestLoadOptions extends LoopOptions {
  method: 'HEAD' | 'GET';
  path: string;
  accept: string;
  /** Expected manifest size, checked on GET. */
  size: number;
}

/** HEAD or GET of one manifest from `connections` keep-alive clients for `seconds`. */
export function manifestLoad(t: Target, o: ManifestLoadOptions): Promise<LoadResult> {
  const host = new URL(t.baseUrl).host;
  const request = RawConnection.build(o.method, o.path, host, { Authorization: t.authorization, Accept: o.accept });
  const head = o.method === 'HEAD';
  return measured(t, o, async (conn) => {
    const res = await conn.request(request, head);
    if (res.status !== 200) return `${o.method} manifest: HTTP ${res.status}`;
    if (!head && res.body.length !== o.size) return `GET manifest: ${res.body.length} bytes, expected ${o.size}`;
    return undefined;
  });
}

export interface SmallBlobLoadOptions extends LoopOptions {
  repo: string;
  blobSize: number;
}

/**
 * Distinct random small blobs, each pushed as POST /blobs/uploads/ then PUT <Location>?digest=
 * with the body, from `connections` clients for `seconds`. An operation is one whole push.
 */
export function smallBlobLoad(t: Target, o: SmallBlobLoadOptions): Promise<LoadResult> {
  const base = new URL(t.baseUrl);
  const post = RawConnection.build('POST', `/v2/${o.repo}/blobs/uploads/`, base.host, { Authorization: t.authorization });
  return measured(t, o, async (conn) => {
    const blob = randomBytes(o.blobSize);
    const digest = 'sha256:' + createHash('sha256').update(blob).digest('hex');
    const started = await conn.request(post);
    const location = started.headers.get('location');
    if (started.status !== 202 || !location) return `POST blobs/uploads: HTTP ${started.status}${location ? '' : ' without Location'}`;
    const url = new URL(location, base);
    url.searchParams.set('digest', digest);
    const put = RawConnection.build('PUT', url.pathname + url.search, base.host, {
      Authorization: t.authorization,
      'Content-Type': 'application/octet-stream',
    }, blob);
    const done = await conn.request(put);
    if (done.status !== 201) return `PUT small blob: HTTP ${done.status} ${done.body.subarray(0, 200).toString('utf8')}`;
    return undefined;
  });
}
