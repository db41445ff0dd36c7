import { Migrator, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import type { Database } from '../schema.js';
import { initial } from './0001-initial.js';
import { ecrAndIam } from './0002-ecr-and-iam.js';
import { jobs } from './0003-jobs.js';
import { lifecycle } from './0004-lifecycle.js';
import { scanning } from './0005-scanning.js';
import { incrementalRescan } from './0006-incremental-rescan.js';

/** Every migration by name; names sort in the order they apply. Listed here, not globbed, so dist/ works. */
function migrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001-initial': initial(dialect),
    '0002-ecr-and-iam': ecrAndIam(dialect),
    '0003-jobs': jobs(),
    '0004-lifecycle': lifecycle(dialect),
    '0005-scanning': scanning(),
    '0006-incremental-rescan': incrementalRescan(),
  };
}

/**
 * Applies pending migrations up to `target` (default: the latest) and returns the names of those
 * applied. `schema` (PostgreSQL) is where Kysely keeps its bookkeeping tables; without it Kysely
 * would find another schema's.
 */
export async function migrate(
  db: Kysely<Database>,
  dialect: StoreDialect,
  options: { readonly schema?: string | undefined; readonly target?: string | undefined } = {},
): Promise<string[]> {
  return dialect.migrate(db, async (db) => {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => migrations(dialect) },
      migrationTableSchema: options.schema,
    });
    const { error, results = [] } = await (options.target === undefined ? migrator.migrateToLatest() : migrator.migrateTo(options.target));
    if (error !== undefined) throw error;
    return results.map((r) => r.migrationName);
  });
}
