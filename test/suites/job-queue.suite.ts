import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import type { Job, MetadataStore, NewJob } from '../../src/storage/metadata/metadata-store.js';

export interface JobStoreFixture {
  readonly store: MetadataStore;
  /** A second store on the same database, as another node would have. */
  openPeer(): Promise<MetadataStore>;
  cleanup(): Promise<void>;
}

const T0 = new Date(Date.UTC(2026, 0, 1, 12));
const LEASE = 60_000;
const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The job queue's behaviour on every MetadataStore: claims, leases, retries, singletons, schedules. */
export function describeJobQueue(name: string, open: () => Promise<JobStoreFixture>): void {
  describe(name, () => {
    let fixture: JobStoreFixture;
    let store: MetadataStore;
    const enqueue = (job: Partial<NewJob>, now = T0) => store.write((tx) => tx.jobs.enqueue({ queue: 'scan', payload: {}, ...job }, now));
    const claim = (now = T0, limit = 10, queues = ['scan']) => store.write((tx) => tx.jobs.claim(queues, now, LEASE, limit));
    const get = (id: string) => store.read((tx) => tx.jobs.get(id));

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('claims queued jobs once, with their payload, in run-after order', async () => {
      const later = await enqueue({ payload: { n: 2 }, runAfter: new Date(T0.getTime() + 1) });
      const first = await enqueue({ payload: { n: 1 } });
      expect(await claim(new Date(T0.getTime() + 1))).toMatchObject([
        { id: first, payload: { n: 1 }, state: 'active', attempts: 1, leaseUntil: new Date(T0.getTime() + 1 + LEASE) },
        { id: later, payload: { n: 2 } },
      ]);
      expect(await claim(new Date(T0.getTime() + 2))).toEqual([]);
    });

    it('does not run a job before its run-after, nor jobs of other queues', async () => {
      await enqueue({ runAfter: new Date(T0.getTime() + 5000) });
      await enqueue({ queue: 'gc' });
      expect(await claim(T0)).toEqual([]);
      expect(await claim(new Date(T0.getTime() + 5000))).toHaveLength(1);
    });

    it('completes and fails jobs; a failure with retry time runs again then, until attempts are used up', async () => {
      const id = (await enqueue({ maxAttempts: 2 }))!;
      await claim();
      await store.write((tx) => tx.jobs.fail(id, 'boom', T0, new Date(T0.getTime() + 1000)));
      expect(await get(id)).toMatchObject({ state: 'queued', lastError: 'boom', runAfter: new Date(T0.getTime() + 1000) });
      expect(await claim(new Date(T0.getTime() + 999))).toEqual([]);
      expect(await claim(new Date(T0.getTime() + 1000))).toMatchObject([{ id, attempts: 2 }]);
      await store.write((tx) => tx.jobs.fail(id, 'boom again', T0, new Date(T0.getTime() + 2000)));
      expect(await get(id)).toMatchObject({ state: 'failed', lastError: 'boom again', attempts: 2 });

      const ok = (await enqueue({}))!;
      await claim();
      await store.write((tx) => tx.jobs.complete(ok, T0));
      expect((await get(ok))?.state).toBe('completed');
    });

    it('gives a job whose lease ran out to another worker', async () => {
      const id = await enqueue({});
      await claim(T0);
      expect(await claim(new Date(T0.getTime() + LEASE - 1))).toEqual([]);
      expect(await claim(new Date(T0.getTime() + LEASE + 1))).toMatchObject([{ id, attempts: 2 }]);
    });

    it('keeps one queued-or-active job per singleton key, and allows a new one after it finished', async () => {
      const id = (await enqueue({ singletonKey: 'scan:sha256:abc' }))!;
      expect(await enqueue({ singletonKey: 'scan:sha256:abc' })).toBeUndefined();
      await claim();
      expect(await enqueue({ singletonKey: 'scan:sha256:abc' })).toBeUndefined();
      await store.write((tx) => tx.jobs.complete(id, T0));
      expect(await enqueue({ singletonKey: 'scan:sha256:abc' })).toBeDefined();
    });

    it('treats a chosen id as idempotent', async () => {
      expect(await enqueue({ id: 'gc@42' })).toBe('gc@42');
      expect(await enqueue({ id: 'gc@42' })).toBeUndefined();
    });

    it('never hands one job to two concurrent claimers (two stores on one database)', async () => {
      // Two SQLite connections in one process would deadlock: better-sqlite3 waits for the file
      // lock synchronously, blocking the event loop the lock holder needs. Across processes the
      // file lock serialises them; in one process the store's single connection does.
      const peer = store.kind === 'sqlite' ? store : await fixture.openPeer();
      try {
        for (let i = 0; i < 20; i++) await enqueue({ payload: { i } });
        const claims = await Promise.all(
          Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? store : peer).write((tx) => tx.jobs.claim(['scan'], T0, LEASE, 4))),
        );
        const ids = claims.flat().map((j: Job) => j.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toHaveLength(20);
      } finally {
        if (peer !== store) await peer.close();
      }
    });

    it('purges finished jobs older than the cutoff', async () => {
      const done = (await enqueue({}))!;
      const waiting = (await enqueue({ runAfter: new Date(T0.getTime() + 10_000) }))!;
      await claim();
      await store.write((tx) => tx.jobs.complete(done, T0));
      expect(await store.write((tx) => tx.jobs.purgeFinished(new Date(T0.getTime() + 1)))).toBe(1);
      expect(await get(done)).toBeUndefined();
      expect(await get(waiting)).toBeDefined();
    });

    it('JobRunner runs handlers, retries failures with backoff and runs each schedule slot once across nodes', async () => {
      const clock = new ManualClock(T0);
      const seen: unknown[] = [];
      let failures = 1;
      const handlers = [
        {
          queue: 'scan',
          run: async (payload: unknown) => {
            if (failures-- > 0) throw new Error('transient');
            seen.push(payload);
          },
        },
        { queue: 'gc', run: async () => void seen.push('gc') },
      ];
      const schedules = [{ queue: 'gc', everyMs: 3_600_000 }];
      const peerStore = await fixture.openPeer();
      const runner = new JobRunner({ metadata: store, clock, handlers, schedules, log: quietLog });
      const peer = new JobRunner({ metadata: peerStore, clock, handlers, schedules, log: quietLog });
      try {
        await store.write((tx) => tx.jobs.enqueue({ queue: 'scan', payload: { image: 'a' } }, clock.now()));
        await runner.runOnce();
        await peer.runOnce();
        expect(seen).toEqual(['gc']);
        clock.advance(10_000);
        await runner.runOnce();
        expect(seen).toEqual(['gc', { image: 'a' }]);
        clock.advance(3_600_000);
        await peer.runOnce();
        await runner.runOnce();
        expect(seen).toEqual(['gc', { image: 'a' }, 'gc']);
      } finally {
        await peerStore.close();
      }
    });
  });
}
