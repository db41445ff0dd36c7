import type { Hash } from 'node:crypto';

interface HashState {
  readonly offset: number;
  readonly hash: Hash;
}

/**
 * In-process sha256 states of uploads in progress, so each chunk is hashed once as it streams
 * in. Node's native hasher (≈1.4 GiB/s here) cannot export its state, and WASM hashers that can
 * run at ≈200 MiB/s; so the state lives here, keyed by upload and offset, and a chunk arriving at
 * a process without the matching state (another node, a restart, an evicted entry) rebuilds it
 * once from the stored bytes. Bounded: least recently used states are dropped first.
 */
export class HashStates {
  readonly #states = new Map<string, HashState>();

  constructor(private readonly capacity = 10_000) {}

  /** The state for `uploadId` if it covers exactly `offset` bytes; removed from the cache while in use. */
  take(uploadId: string, offset: number): Hash | undefined {
    const state = this.#states.get(uploadId);
    this.#states.delete(uploadId);
    return state?.offset === offset ? state.hash : undefined;
  }

  /** Whether a state for `uploadId` covering exactly `offset` bytes is held here. */
  has(uploadId: string, offset: number): boolean {
    return this.#states.get(uploadId)?.offset === offset;
  }

  put(uploadId: string, offset: number, hash: Hash): void {
    this.#states.delete(uploadId);
    this.#states.set(uploadId, { offset, hash });
    if (this.#states.size > this.capacity) {
      const oldest = this.#states.keys().next().value;
      if (oldest !== undefined) this.#states.delete(oldest);
    }
  }

  drop(uploadId: string): void {
    this.#states.delete(uploadId);
  }
}
