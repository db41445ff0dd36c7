import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/http/plugins/rate-limiter.js';

/** How many of `count` requests at `nowMs` the limiter lets through. */
function allowed(limiter: RateLimiter, key: string, count: number, nowMs: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) if (limiter.take(key, nowMs)) n++;
  return n;
}

describe('RateLimiter', () => {
  it('lets a burst through, then refuses', () => {
    const limiter = new RateLimiter(10, 5);
    expect(allowed(limiter, 'client', 8, 0)).toBe(5);
    expect(limiter.take('client', 0)).toBe(false);
  });

  it('bursts to twice the rate by default', () => {
    expect(allowed(new RateLimiter(3), 'client', 10, 0)).toBe(6);
  });

  it('refills at the rate as time passes', () => {
    const limiter = new RateLimiter(10, 5);
    expect(allowed(limiter, 'c', 5, 0)).toBe(5);
    expect(limiter.take('c', 50)).toBe(false); // half a token
    expect(limiter.take('c', 100)).toBe(true); // one token after 100 ms at 10/s
    expect(limiter.take('c', 100)).toBe(false);
    expect(allowed(limiter, 'c', 10, 400)).toBe(3); // 300 ms later: three more
  });

  it('denied requests do not lose the fractions of a token earned meanwhile', () => {
    const limiter = new RateLimiter(10, 1);
    expect(limiter.take('c', 0)).toBe(true);
    expect(limiter.take('c', 40)).toBe(false);
    expect(limiter.take('c', 80)).toBe(false);
    expect(limiter.take('c', 100)).toBe(true);
  });

  it('never holds more than the burst, however long the client was idle', () => {
    const limiter = new RateLimiter(10, 4);
    expect(allowed(limiter, 'c', 4, 0)).toBe(4);
    expect(allowed(limiter, 'c', 10, 3_600_000)).toBe(4);
  });

  it('keeps one bucket per key', () => {
    const limiter = new RateLimiter(1, 2);
    expect(allowed(limiter, 'a', 5, 0)).toBe(2);
    expect(allowed(limiter, 'b', 5, 0)).toBe(2);
    expect(limiter.take('a', 0)).toBe(false);
  });

  it.each([0, -1])('rate %i means unlimited', (rate) => {
    expect(allowed(new RateLimiter(rate), 'c', 10_000, 0)).toBe(10_000);
  });

  it('forgets the least recently active keys beyond its bound', () => {
    const limiter = new RateLimiter(1, 1, 2);
    expect(limiter.take('a', 0)).toBe(true);
    expect(limiter.take('a', 0)).toBe(false); // a is empty
    expect(limiter.take('b', 0)).toBe(true);
    expect(limiter.take('c', 0)).toBe(true); // third key: a is forgotten
    expect(limiter.take('a', 0)).toBe(true); // a starts over with a full bucket
    // b was the oldest when a came back, so b is the one forgotten now; c is still empty.
    expect(limiter.take('c', 0)).toBe(false);
    expect(limiter.take('b', 0)).toBe(true);
  });
});
