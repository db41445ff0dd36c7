import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The job queue. At most one queued-or-active job per singleton key: a partial unique index,
 * which both SQLite and PostgreSQL support, so `INSERT … ON CONFLICT DO NOTHING` is the check.
 */
export function jobs(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('singleton_key', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('run_after', 'bigint', (c) => c.notNull())
        .addColumn('lease_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jobs_runnable').on('jobs').columns(['queue', 'state', 'run_after']).execute();
      await db.schema
        .createIndex('jobs_singleton')
        .on('jobs')
        .column('singleton_key')
        .unique()
        .where(sql.ref('state'), 'in', sql`('queued', 'active')`)
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('jobs').execute();
    },
  };
}
