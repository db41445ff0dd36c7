import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../domain/clock.js';
import type { Job, MetadataStore } from '../storage/metadata/metadata-store.js';

export interface JobHandler {
  readonly queue: string;
  run(payload: unknown, job: Job): Promise<void>;
}

export interface Schedule {
  readonly queue: string;
  readonly everyMs: number;
  readonly payload?: unknown;
}

export interface JobRunnerOptions {
  readonly metadata: MetadataStore;
  readonly clock: Clock;
  readonly handlers: readonly JobHandler[];
  readonly schedules?: readonly Schedule[];
  readonly log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  readonly pollMs?: number;
  /** How long a claimed job is this worker's; past it another worker may take it over. */
  readonly leaseMs?: number;
  /** Jobs run at once by this worker. */
  readonly concurrency?: number;
}

const MAX_BACKOFF_MS = 60 * 60 * 1000;

/** Retry after 10 s, 20 s, 40 s … up to an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 10_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Runs jobs from the MetadataStore's queue in this process: claims with a lease, completes or
 * fails with backoff. Schedules enqueue one job per time slot with the slot as the job id, so
 * every node may schedule and exactly one run per slot happens.
 */
export class JobRunner {
  readonly #handlers: Map<string, JobHandler>;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #stopping = false;

  constructor(private readonly options: JobRunnerOptions) {
    this.#handlers = new Map(options.handlers.map((h) => [h.queue, h]));
  }

  start(): void {
    const tick = (): void => {
      this.#timer = undefined;
      this.runOnce()
        .catch((err: unknown) => this.options.log.error({ err }, 'job runner tick failed'))
        .finally(() => {
          if (!this.#stopping) this.#timer = setTimeout(tick, this.options.pollMs ?? 1000).unref();
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Enqueues due schedules, then claims and runs what is runnable now; resolves when those jobs finish. */
  async runOnce(): Promise<number> {
    await this.enqueueSchedules();
    const free = (this.options.concurrency ?? 2) - this.#inFlight.size;
    if (free <= 0) return 0;
    const { metadata, clock } = this.options;
    const jobs = await metadata.write((tx) => tx.jobs.claim([...this.#handlers.keys()], clock.now(), this.options.leaseMs ?? 10 * 60_000, free));
    await Promise.all(jobs.map((job) => this.#track(this.#run(job))));
    return jobs.length;
  }

  async enqueueSchedules(): Promise<void> {
    const now = this.options.clock.now();
    for (const schedule of this.options.schedules ?? []) {
      if (schedule.everyMs <= 0) continue;
      const slot = Math.floor(now.getTime() / schedule.everyMs);
      await this.options.metadata.write((tx) =>
        tx.jobs.enqueue({ id: `${schedule.queue}@${slot}`, queue: schedule.queue, payload: schedule.payload ?? {}, maxAttempts: 1 }, now),
      );
    }
  }

  async #run(job: Job): Promise<void> {
    const { metadata, clock, log } = this.options;
    try {
      await this.#handlers.get(job.queue)!.run(job.payload, job);
      await metadata.write((tx) => tx.jobs.complete(job.id, clock.now()));
    } catch (err) {
      const now = clock.now();
      log.warn({ err, job: job.id, queue: job.queue, attempt: job.attempts }, 'job failed');
      await metadata.write((tx) => tx.jobs.fail(job.id, (err as Error).message ?? String(err), now, new Date(now.getTime() + backoffMs(job.attempts))));
    }
  }

  #track(promise: Promise<void>): Promise<void> {
    this.#inFlight.add(promise);
    return promise.finally(() => this.#inFlight.delete(promise));
  }
}
