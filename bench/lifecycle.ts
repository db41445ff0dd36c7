// Lifecycle evaluation figure for `npm run bench` (and `node dist/bench/lifecycle.js [--quick]`
// alone): evaluateLifecycle over a synthetic 100,000-image repository (tagged, multi-tagged and
// untagged images, some under indexes, some referrers) with a five-rule policy; median of runs.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { evaluateLifecycle, type LifecycleImage } from '../src/lifecycle/evaluate.js';
import { parseLifecyclePolicy } from '../src/lifecycle/policy.js';

const DAY_MS = 86_400_000;

export interface LifecycleBenchResult {
  readonly images: number;
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly decisions: number;
}

const POLICY = JSON.stringify({
  rules: [
    { rulePriority: 1, selection: { tagStatus: 'tagged', tagPrefixList: ['prod'], countType: 'imageCountMoreThan', countNumber: 30 }, action: { type: 'expire' } },
    { rulePriority: 2, selection: { tagStatus: 'tagged', tagPatternList: ['dev-*', '*-feature*'], countType: 'imageCountMoreThan', countNumber: 5 }, action: { type: 'expire' } },
    { rulePriority: 3, selection: { tagStatus: 'tagged', tagPatternList: ['release-*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 90 }, action: { type: 'expire' } },
    { rulePriority: 4, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }, action: { type: 'expire' } },
    { rulePriority: 10, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1000 }, action: { type: 'expire' } },
  ],
});

/** A deterministic repository of `n` images pushed over the year before `now`. */
export function syntheticImages(n: number, now: Date): LifecycleImage[] {
  const images: LifecycleImage[] = [];
  const digest = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;
  for (let i = 0; i < n; i++) {
    const kind = i % 10;
    const tags =
      kind < 3 ? [`prod-${i}`] : kind < 5 ? [`dev-${i}`, ...(i % 4 === 0 ? [`x-feature-${i}`] : [])] : kind < 6 ? [`release-${i}`, `prod-r${i}`] : kind < 9 ? [] : [`misc-${i}`];
    const image: LifecycleImage = {
      digest: digest(i),
      tags,
      pushedAt: new Date(now.getTime() - 365 * DAY_MS + Math.floor((i * 365 * DAY_MS) / n)),
      storageClass: 'STANDARD',
      // Every 100th untagged image is a platform image under the index pushed just before it; every 50th a signature.
      ...(kind === 7 && i % 100 === 7 ? { parentIndexes: [digest(i - 1)] } : {}),
      ...(kind === 8 && i % 50 === 8 ? { subject: digest(i - 8) } : {}),
    };
    images.push(image);
  }
  return images;
}

export function runLifecycleBench(options: { readonly images?: number; readonly runs?: number } = {}): LifecycleBenchResult {
  const n = options.images ?? 100_000;
  const runs = options.runs ?? 7;
  const now = new Date(Date.UTC(2026, 0, 1));
  const policy = parseLifecyclePolicy(POLICY);
  const images = syntheticImages(n, now);
  evaluateLifecycle(policy, images, now); // warm-up (JIT)
  const times: number[] = [];
  let decisions = 0;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    decisions = evaluateLifecycle(policy, images, now).decisions.length;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { images: n, runs, medianMs: times[Math.floor(runs / 2)]!, minMs: times[0]!, decisions };
}

export function formatLifecycleBench(result: LifecycleBenchResult): string {
  return (
    `Lifecycle evaluation (evaluateLifecycle, pure, in process): ${result.images.toLocaleString('en-US')} images, five-rule policy, ` +
    `${result.decisions.toLocaleString('en-US')} expired\n` +
    `  median ${result.medianMs.toFixed(1)} ms over ${result.runs} runs (min ${result.minMs.toFixed(1)} ms); target < 1000 ms`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  console.log(formatLifecycleBench(runLifecycleBench({ runs: quick ? 3 : 7 })));
}
