// The results table: one row per metric with both servers' figures (median of the rounds, or
// the maximum for peak RSS), the ratio wharf/reference, the target and PASS/MISS.
import type { Implementation } from './servers.js';
import { median } from './stats.js';

export type MetricKey =
  | 'pushMonolithic'
  | 'pushChunked'
  | 'pull'
  | 'headRps'
  | 'headP50'
  | 'headP99'
  | 'headCpu'
  | 'getRps'
  | 'getP50'
  | 'getP99'
  | 'getCpu'
  | 'smallRps'
  | 'smallP50'
  | 'smallP99'
  | 'smallCpu'
  | 'cpuPerGiB'
  | 'peakRss';

type Target =
  | { kind: 'ratioAtLeast'; value: number }
  | { kind: 'ratioAtMost'; value: number }
  | { kind: 'wharfBelow'; value: number };

export interface MetricDef {
  key: MetricKey;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  decimals: number;
  aggregate: 'median' | 'max';
  target?: Target;
  /** Name of the target in the PASS/MISS lines. */
  targetName?: string;
}

export function metricDefs(p: { sizeMiB: number; chunkMiB: number; connections: number; smallConnections: number; smallKiB: number }): MetricDef[] {
  const size = p.sizeMiB >= 1024 && p.sizeMiB % 1024 === 0 ? `${p.sizeMiB / 1024} GiB` : `${p.sizeMiB} MiB`;
  const chunks = Math.ceil(p.sizeMiB / p.chunkMiB);
  return [
    { key: 'pushMonolithic', label: `monolithic push ${size} (POST+PUT)`, unit: 'MiB/s', better: 'higher', decimals: 1, aggregate: 'median', target: { kind: 'ratioAtLeast', value: 1.5 }, targetName: 'monolithic push' },
    { key: 'pushChunked', label: `chunked push ${size} (${chunks}x${p.chunkMiB} MiB PATCH)`, unit: 'MiB/s', better: 'higher', decimals: 1, aggregate: 'median', target: { kind: 'ratioAtLeast', value: 1.5 }, targetName: 'chunked push' },
    { key: 'pull', label: `pull ${size} (GET + sha256)`, unit: 'MiB/s', better: 'higher', decimals: 1, aggregate: 'median', target: { kind: 'ratioAtLeast', value: 0.95 }, targetName: 'pull' },
    { key: 'headRps', label: `HEAD manifest, ${p.connections} conns`, unit: 'req/s', better: 'higher', decimals: 0, aggregate: 'median', target: { kind: 'ratioAtLeast', value: 2 }, targetName: 'HEAD manifest' },
    { key: 'headP50', label: '  HEAD latency p50', unit: 'ms', better: 'lower', decimals: 2, aggregate: 'median' },
    { key: 'headP99', label: '  HEAD latency p99', unit: 'ms', better: 'lower', decimals: 2, aggregate: 'median' },
    { key: 'headCpu', label: '  server CPU per HEAD', unit: 'us', better: 'lower', decimals: 0, aggregate: 'median' },
    { key: 'getRps', label: `GET manifest, ${p.connections} conns`, unit: 'req/s', better: 'higher', decimals: 0, aggregate: 'median' },
    { key: 'getP50', label: '  GET latency p50', unit: 'ms', better: 'lower', decimals: 2, aggregate: 'median' },
    { key: 'getP99', label: '  GET latency p99', unit: 'ms', better: 'lower', decimals: 2, aggregate: 'median' },
    { key: 'getCpu', label: '  server CPU per GET', unit: 'us', better: 'lower', decimals: 0, aggregate: 'median' },
    { key: 'smallRps', label: `small-blob push ${p.smallKiB} KiB, ${p.smallConnections} conns`, unit: 'push/s', better: 'higher', decimals: 0, aggregate: 'median', target: { kind: 'ratioAtLeast', value: 1.5 }, targetName: 'small blobs' },
    { key: 'smallP50', label: '  push latency p50', unit: 'ms', better: 'lower', decimals: 2, aggregate: 'median' },
    { key: 'smallP99', label: '  push latency p99', unit: 'ms', better: 'lower', decimals: 2, aggregate: 'median' },
    { key: 'smallCpu', label: '  server CPU per push', unit: 'us', better: 'lower', decimals: 0, aggregate: 'median' },
    { key: 'cpuPerGiB', label: 'server CPU per pushed GiB', unit: 's/GiB', better: 'lower', decimals: 2, aggregate: 'median', target: { kind: 'ratioAtMost', value: 0.5 }, targetName: 'CPU per pushed GiB' },
    { key: 'peakRss', label: `server peak RSS pushing ${size}`, unit: 'MiB', better: 'lower', decimals: 1, aggregate: 'max', target: { kind: 'wharfBelow', value: 150 }, targetName: 'peak RSS' },
  ];
}

/** Per-round samples and first error, per slot and metric. */
export class Results {
  private readonly samples = new Map<string, number[]>();
  private readonly errors = new Map<string, string>();

  add(slot: Implementation, key: MetricKey, value: number | undefined): void {
    if (value === undefined || !Number.isFinite(value)) return;
    const k = `${slot}/${key}`;
    const list = this.samples.get(k) ?? [];
    list.push(value);
    this.samples.set(k, list);
  }

  fail(slot: Implementation, key: MetricKey | 'server' | `server#${number}`, message: string): void {
    const k = `${slot}/${key}`;
    if (!this.errors.has(k)) this.errors.set(k, message);
  }

  values(slot: Implementation, key: MetricKey): number[] {
    return this.samples.get(`${slot}/${key}`) ?? [];
  }

  error(slot: Implementation, key: MetricKey): string | undefined {
    return this.errors.get(`${slot}/${key}`);
  }

  allErrors(): [string, string][] {
    return [...this.errors.entries()];
  }

  summary(slot: Implementation, def: MetricDef): number | undefined {
    const xs = this.values(slot, def.key);
    if (xs.length === 0) return undefined;
    return def.aggregate === 'max' ? Math.max(...xs) : median(xs);
  }
}

export interface ReportContext {
  slots: Implementation[];
  title: string[];
  defs: MetricDef[];
  results: Results;
}

function fmt(v: number | undefined, decimals: number): string {
  if (v === undefined) return 'n/a';
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function targetText(t: Target | undefined): string {
  if (!t) return '';
  switch (t.kind) {
    case 'ratioAtLeast':
      return `>= ${t.value}x`;
    case 'ratioAtMost':
      return `<= ${t.value}x`;
    case 'wharfBelow':
      return `< ${t.value} MiB`;
  }
}

type Verdict = 'PASS' | 'MISS' | 'n/a';

function verdict(def: MetricDef, wharf: number | undefined, ratio: number | undefined): Verdict {
  const t = def.target;
  if (!t) return 'n/a';
  switch (t.kind) {
    case 'ratioAtLeast':
      return ratio === undefined ? 'n/a' : ratio >= t.value ? 'PASS' : 'MISS';
    case 'ratioAtMost':
      return ratio === undefined ? 'n/a' : ratio <= t.value ? 'PASS' : 'MISS';
    case 'wharfBelow':
      return wharf === undefined ? 'n/a' : wharf < t.value ? 'PASS' : 'MISS';
  }
}

function pad(s: string, width: number, right = false): string {
  return right ? s.padStart(width) : s.padEnd(width);
}

export function renderReport(ctx: ReportContext): string {
  const { slots, defs, results } = ctx;
  const both = slots.includes('wharf') && slots.includes('reference');
  const header = ['metric', 'unit', ...slots, ...(both ? ['wharf/ref', 'target', 'result'] : [])];
  const rows: string[][] = [];
  const verdicts: string[] = [];

  for (const def of defs) {
    const values = slots.map((s) => results.summary(s, def));
    const cells = slots.map((s, i) => (values[i] === undefined && results.error(s, def.key) ? 'ERR' : fmt(values[i], def.decimals)));
    const row = [def.label, def.unit, ...cells];
    if (both) {
      const w = results.summary('wharf', def);
      const r = results.summary('reference', def);
      const ratio = w !== undefined && r !== undefined && r > 0 ? w / r : undefined;
      const v = verdict(def, w, ratio);
      row.push(ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}x`, targetText(def.target), def.target ? v : '');
      if (def.target && def.targetName) {
        const shown = def.target.kind === 'wharfBelow' ? `wharf ${fmt(w, def.decimals)} MiB` : `ratio ${ratio === undefined ? 'n/a' : ratio.toFixed(2) + 'x'}`;
        verdicts.push(`${v.padEnd(4)}  ${def.targetName} ${targetText(def.target)}  (${shown})`);
      }
    } else if (def.target?.kind === 'wharfBelow' && slots.includes('wharf')) {
      const w = results.summary('wharf', def);
      verdicts.push(`${verdict(def, w, undefined).padEnd(4)}  ${def.targetName} ${targetText(def.target)}  (wharf ${fmt(w, def.decimals)} MiB)`);
    }
    rows.push(row);
  }

  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => pad(c, widths[i] as number, i >= 2)).join('  ');
  const out: string[] = [];
  out.push(...ctx.title, '');
  out.push(line(header));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) out.push(line(r));

  out.push('', 'per-round samples (in run order):');
  for (const def of defs) {
    const parts = slots.map((s) => `${s} [${results.values(s, def.key).map((v) => fmt(v, def.decimals)).join(', ')}]`);
    out.push(`  ${def.label.trim()}: ${parts.join('  ')}`);
  }

  const errors = results.allErrors();
  if (errors.length > 0) {
    out.push('', 'errors (first per server and metric):');
    for (const [k, m] of errors) out.push(`  ${k}: ${m}`);
  }

  if (verdicts.length > 0) {
    out.push('', 'targets:');
    out.push(...verdicts);
  }
  return out.join('\n');
}
