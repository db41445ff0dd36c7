/**
 * Token buckets keyed by client (address or access key): `rate` tokens a second, bursts up to
 * `burst`. Idle buckets are forgotten so the map cannot grow without bound.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: number,
    private readonly burst: number = rate * 2,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes a token for `key`; false when the bucket is empty. A rate of 0 means unlimited. */
  take(key: string, nowMs: number): boolean {
    if (this.rate <= 0) return true;
    const bucket = this.#buckets.get(key);
    const tokens = bucket ? Math.min(this.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.rate) : this.burst;
    if (tokens < 1) {
      if (bucket) bucket.at = nowMs;
      if (bucket) bucket.tokens = tokens;
      return false;
    }
    this.#buckets.delete(key);
    this.#buckets.set(key, { tokens: tokens - 1, at: nowMs });
    if (this.#buckets.size > this.maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    return true;
  }
}
