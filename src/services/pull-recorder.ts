import type { Clock } from '../domain/clock.js';
import type { Digest } from '../domain/digest.js';
import type { MetadataStore } from '../storage/metadata/metadata-store.js';

export interface PullRecorderOptions {
  readonly metadata: MetadataStore;
  readonly clock: Clock;
  /** How often buffered pulls are written (default 1 s). */
  readonly flushIntervalMs?: number;
  /** Distinct images buffered at most; past it a flush starts at once and new images wait for the next pull (default 10,000). */
  readonly capacity?: number;
  /** Where a failed flush is reported; the pulls it held are kept for the next one. */
  readonly onError?: (err: unknown) => void;
}

/**
 * Records when images are pulled (DescribeImages' `lastRecordedPullTime`, lifecycle's
 * `sinceImagePulled`) without touching the store on the request path: pulls are coalesced in
 * memory, one entry per image holding its latest time, and written in batches by a timer and on
 * close. Pull times are advisory (ECR itself only promises a refresh within 24 hours), so when
 * the buffer is full a pull of a not-yet-buffered image is dropped rather than blocking or
 * growing memory.
 */
export class PullRecorder {
  #pending = new Map<string, { repositoryId: number; digest: Digest; at: Date }>();
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #capacity: number;

  constructor(private readonly options: PullRecorderOptions) {
    this.#capacity = options.capacity ?? 10_000;
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1000);
    this.#timer.unref();
  }

  /** Notes a pull of the image now; returns at once. */
  record(repositoryId: number, digest: Digest): void {
    if (this.#closed) return;
    const key = `${repositoryId} ${digest}`;
    if (!this.#pending.has(key) && this.#pending.size >= this.#capacity) {
      void this.flush();
      return;
    }
    this.#pending.set(key, { repositoryId, digest, at: this.options.clock.now() });
  }

  /** Writes what is buffered; concurrent calls share one write, and a flush never overlaps another. */
  flush(): Promise<void> {
    this.#flushing ??= this.#write().finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  /** Stops the timer and writes what is left (the app's onClose hook, before the store closes). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#flushing;
    await this.flush();
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    try {
      await this.options.metadata.write((tx) => tx.manifests.recordPulls([...batch.values()]));
    } catch (err) {
      // Keep the batch for the next flush; a pull buffered since is newer and wins.
      for (const [key, pull] of batch) {
        if (!this.#pending.has(key) && this.#pending.size < this.#capacity) this.#pending.set(key, pull);
      }
      this.options.onError?.(err);
    }
  }
}
