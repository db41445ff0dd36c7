import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import type { Job, JobRecords } from '../metadata-store.js';
import type { Db, JobsTable } from '../schema.js';

const DEFAULT_MAX_ATTEMPTS = 5;
const MAX_ERROR_LENGTH = 2000;

export function jobRecords(db: Db, dialect: StoreDialect): JobRecords {
  return {
    async enqueue(job, now) {
      const id = job.id ?? randomUUID();
      const result = await db
        .insertInto('jobs')
        .values({
          id,
          queue: job.queue,
          payload: JSON.stringify(job.payload ?? null),
          state: 'queued',
          singleton_key: job.singletonKey ?? null,
          attempts: 0,
          max_attempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
          run_after: (job.runAfter ?? now).getTime(),
          created_at: now.getTime(),
          updated_at: now.getTime(),
        })
        // The primary key (a chosen id) and the partial unique index on singleton_key.
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n ? id : undefined;
    },

    async claim(queues, now, leaseMs, limit) {
      if (queues.length === 0 || limit <= 0) return [];
      const at = now.getTime();
      const runnable = dialect.forUpdateSkipLocked(
        db
          .selectFrom('jobs')
          .select('id')
          .where('queue', 'in', [...queues])
          .where((eb) =>
            eb.or([
              eb.and([eb('state', '=', 'queued'), eb('run_after', '<=', at)]),
              // A worker that died mid-job: its lease ran out, so the job runs again.
              eb.and([eb('state', '=', 'active'), eb('lease_until', '<', at)]),
            ]),
          )
          .orderBy('run_after')
          .orderBy('id')
          .limit(limit),
      );
      const ids = (await runnable.execute()).map((r) => r.id);
      if (ids.length === 0) return [];
      const rows = await db
        .updateTable('jobs')
        .set((eb) => ({ state: 'active', lease_until: at + leaseMs, attempts: eb('attempts', '+', 1), updated_at: at }))
        .where('id', 'in', ids)
        .returningAll()
        .execute();
      return rows.sort((a, b) => a.run_after - b.run_after || a.id.localeCompare(b.id)).map(toJob);
    },

    async complete(id, now) {
      await db.updateTable('jobs').set({ state: 'completed', lease_until: null, updated_at: now.getTime() }).where('id', '=', id).execute();
    },

    async fail(id, error, now, retryAt) {
      const row = await db.selectFrom('jobs').select(['attempts', 'max_attempts']).where('id', '=', id).executeTakeFirst();
      if (!row) return;
      const retry = retryAt !== undefined && row.attempts < row.max_attempts;
      await db
        .updateTable('jobs')
        .set({
          state: retry ? 'queued' : 'failed',
          run_after: retry ? retryAt.getTime() : undefined,
          lease_until: null,
          last_error: error.slice(0, MAX_ERROR_LENGTH),
          updated_at: now.getTime(),
        })
        .where('id', '=', id)
        .execute();
    },

    async get(id) {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toJob(row);
    },

    async purgeFinished(cutoff) {
      const result = await db
        .deleteFrom('jobs')
        .where('state', 'in', ['completed', 'failed'])
        .where('updated_at', '<', cutoff.getTime())
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: row.id,
    queue: row.queue,
    payload: JSON.parse(row.payload) as unknown,
    state: row.state,
    singletonKey: row.singleton_key ?? undefined,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAfter: new Date(row.run_after),
    leaseUntil: row.lease_until === null ? undefined : new Date(row.lease_until),
    lastError: row.last_error ?? undefined,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
