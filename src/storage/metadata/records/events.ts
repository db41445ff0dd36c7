import type { EventRecords } from '../metadata-store.js';
import type { Db } from '../schema.js';

export function eventRecords(db: Db): EventRecords {
  return {
    async append(event) {
      await db
        .insertInto('events')
        .values({
          at: event.at.getTime(),
          type: event.type,
          actor: event.actor,
          repository: event.repository ?? null,
          detail: JSON.stringify(event.detail ?? null),
        })
        .execute();
    },
    async list({ after, repository, limit }) {
      let query = db.selectFrom('events').selectAll().orderBy('id').limit(limit);
      if (after !== undefined) query = query.where('id', '>', after);
      if (repository !== undefined) query = query.where('repository', '=', repository);
      return (await query.execute()).map((row) => ({
        id: Number(row.id),
        at: new Date(row.at),
        type: row.type,
        actor: row.actor,
        repository: row.repository ?? undefined,
        detail: JSON.parse(row.detail) as unknown,
      }));
    },
  };
}
