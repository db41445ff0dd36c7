import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HashStates } from '../../src/services/hash-states.js';

describe('HashStates', () => {
  it('hands back the state put at the matching offset, once', () => {
    const states = new HashStates();
    const hash = createHash('sha256').update('hello ');
    states.put('u1', 6, hash);
    const taken = states.take('u1', 6);
    expect(taken).toBe(hash);
    taken!.update('world');
    expect(taken!.digest('hex')).toBe(createHash('sha256').update('hello world').digest('hex'));
    expect(states.take('u1', 6)).toBeUndefined(); // removed while in use
  });

  it('returns nothing for an offset mismatch, and drops the stale state', () => {
    const states = new HashStates();
    states.put('u1', 10, createHash('sha256'));
    expect(states.take('u1', 5)).toBeUndefined();
    expect(states.take('u1', 10)).toBeUndefined();
  });

  it('returns nothing for an unknown upload', () => {
    expect(new HashStates().take('nope', 0)).toBeUndefined();
  });

  it('put replaces the previous state of an upload', () => {
    const states = new HashStates();
    const first = createHash('sha256');
    const second = createHash('sha256');
    states.put('u1', 1, first);
    states.put('u1', 2, second);
    expect(states.take('u1', 1)).toBeUndefined();
    states.put('u1', 2, second);
    expect(states.take('u1', 2)).toBe(second);
  });

  it('drop forgets an upload', () => {
    const states = new HashStates();
    states.put('u1', 0, createHash('sha256'));
    states.drop('u1');
    states.drop('never-seen');
    expect(states.take('u1', 0)).toBeUndefined();
  });

  it('keeps states per upload', () => {
    const states = new HashStates();
    const a = createHash('sha256');
    const b = createHash('sha256');
    states.put('a', 1, a);
    states.put('b', 1, b);
    expect(states.take('b', 1)).toBe(b);
    expect(states.take('a', 1)).toBe(a);
  });

  it('drops the least recently put state beyond its capacity', () => {
    const states = new HashStates(2);
    const [a, b, c] = [createHash('sha256'), createHash('sha256'), createHash('sha256')];
    states.put('a', 0, a);
    states.put('b', 0, b);
    states.put('a', 0, a); // a is now the most recent
    states.put('c', 0, c); // over capacity: b goes
    expect(states.take('b', 0)).toBeUndefined();
    expect(states.take('a', 0)).toBe(a);
    expect(states.take('c', 0)).toBe(c);
  });
});
