import type BetterSqlite3 from 'better-sqlite3';
import {
  RawNode,
  SelectQueryNode,
  sql,
  type ColumnDataType,
  type ColumnDefinitionBuilder,
  type Expression,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type SelectQueryBuilder,
  type UnknownRow,
} from 'kysely';
import type { CustomTypesConfig } from 'pg';
import type pg from 'pg';
import type { Database } from './schema.js';

/**
 * What differs between SQLite and PostgreSQL, one comment per difference; the records in
 * kysely-metadata-store.ts are written once against Kysely and call in here for the rest.
 *
 * Alike on both, so nothing below handles them:
 * - Upserts: `INSERT … ON CONFLICT (…) DO NOTHING | DO UPDATE SET …` and `RETURNING` have the
 *   same syntax (SQLite ≥ 3.35) and Kysely builds them for both.
 * - JSON: annotations are stored as text and parsed in JavaScript. Nothing queries inside them,
 *   so PostgreSQL's jsonb would buy nothing and cost a second code path.
 * - Binary: manifest bytes go in as a Buffer and come back as a Buffer from both drivers; only
 *   the column type differs (`columns.bytes`).
 * - Time: epoch milliseconds in a `bigint` column, which sorts and compares correctly on both
 *   (SQLite gives it INTEGER affinity). Only reading it back differs: see `postgresTypes`.
 */
export interface StoreDialect {
  readonly kind: 'sqlite' | 'postgres';
  /** Runs `fn` in a transaction serialised against other writers; a throw rolls it back. */
  write<T>(db: Kysely<Database>, fn: (tx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Runs `fn` as a read: writes inside it fail (PostgreSQL: a read-only transaction over one snapshot). */
  read<T>(db: Kysely<Database>, fn: (tx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Runs Kysely's Migrator (inside `fn`) so that two processes cannot migrate at once. */
  migrate<T>(db: Kysely<Database>, fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Locks the selected rows until the transaction ends, so concurrent writers to them wait. */
  forUpdate<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /** Locks the selected rows, skipping rows another transaction holds (job claims: workers never wait on each other). */
  forUpdateSkipLocked<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /** Column definitions the migrations need. */
  readonly columns: {
    /** An integer primary key the database assigns, never reusing a deleted row's value. */
    identity(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
    readonly bytes: ColumnDataType;
    /** Text that compares and sorts by bytes (repository names, tags: the OCI API pages by them). */
    readonly byteOrderText: ColumnDataType | Expression<unknown>;
  };
}

export const sqliteDialect: StoreDialect = {
  kind: 'sqlite',
  // A deferred BEGIN takes the write lock only at the first write, so two processes on one file
  // could both read, then one fails with SQLITE_BUSY when upgrading: check-then-act would break.
  // BEGIN IMMEDIATE takes the write lock up front; the other process waits (busy_timeout).
  // Within one process Kysely's SQLite driver hands out its one connection under a mutex.
  write: (db, fn) => sqliteTransaction(db, 'begin immediate', fn),
  // No BEGIN/COMMIT: holding the process's one connection already keeps other statements of
  // this process out, and the four extra statements a transaction with a query_only guard took
  // were most of a manifest HEAD's database time. Another process may commit between two reads
  // of one `read` (WAL), which the registry's reads tolerate (they re-check inside writes). A
  // plugin still refuses a write inside `read`, as PostgreSQL's read-only transactions do.
  read: (db, fn) => readOnly(db).connection().execute(fn),
  // Kysely's Migrator takes no lock on SQLite (it assumes one connection) and runs DDL outside
  // transactions, so two processes opening one fresh file would both migrate. Run it inside a
  // write transaction instead (SQLite's DDL is transactional).
  migrate: (db, fn) => sqliteTransaction(db, 'begin immediate', fn),
  // Nothing to do: the write transaction already holds the database-wide write lock.
  forUpdate: (query) => query,
  forUpdateSkipLocked: (query) => query,
  columns: {
    // AUTOINCREMENT: without it SQLite hands a deleted repository's id to the next one.
    identity: (column) => column.primaryKey().autoIncrement(),
    bytes: 'blob',
    // SQLite's default BINARY collation compares UTF-8 bytes.
    byteOrderText: 'text',
  },
};

export const postgresDialect: StoreDialect = {
  kind: 'postgres',
  // READ COMMITTED: writers serialise on the rows they touch (UPDATE, upserts, FOR UPDATE), and a
  // statement waiting on a row re-evaluates its WHERE on the row's new version, which is what
  // the GC-safety contract of BlobRecords relies on.
  write: (db, fn) => db.transaction().execute(fn),
  read: (db, fn) => db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn),
  // Kysely's Migrator already holds an advisory lock and one transaction around all migrations.
  migrate: (db, fn) => fn(db),
  forUpdate: (query) => query.forUpdate(),
  forUpdateSkipLocked: (query) => query.forUpdate().skipLocked(),
  columns: {
    identity: (column) => column.primaryKey().generatedAlwaysAsIdentity(),
    bytes: 'bytea',
    // The database's default collation (e.g. en_US.UTF-8) ignores punctuation and case at first.
    byteOrderText: sql`text collate "C"`,
  },
};

/**
 * Connection settings for SQLite. WAL lets readers (including other processes) run during a
 * write. busy_timeout makes a second process wait for the write lock instead of failing at once;
 * better-sqlite3 waits synchronously, which only happens when two processes share the file.
 * Foreign keys: PostgreSQL always enforces them, SQLite only when asked, per connection.
 */
export function configureSqlite(database: BetterSqlite3.Database): void {
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
}

const INT8_OID = 20;

/**
 * pg returns int8 (`bigint`: times, sizes, offsets, counts) as strings, since they may exceed
 * 2^53; ours never do, so parse them as numbers, for this pool only (not pg's global parsers).
 * better-sqlite3 returns numbers already.
 */
export function postgresTypes(types: typeof pg.types): CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID ? Number : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
  };
}

/** Refuses INSERT, UPDATE, DELETE and DDL: what a read-only transaction would refuse. */
class ReadOnlyPlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (!SelectQueryNode.is(args.node) && !RawNode.is(args.node)) {
      throw new Error(`a ${args.node.kind} cannot run inside a read: use write`);
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

const readOnlyViews = new WeakMap<Kysely<Database>, Kysely<Database>>();

function readOnly(db: Kysely<Database>): Kysely<Database> {
  let view = readOnlyViews.get(db);
  if (!view) {
    view = db.withPlugin(new ReadOnlyPlugin());
    readOnlyViews.set(db, view);
  }
  return view;
}

async function sqliteTransaction<T>(
  db: Kysely<Database>,
  begin: 'begin' | 'begin immediate',
  fn: (tx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  // Kysely's own transaction() only issues a plain BEGIN, so hold the connection and do it here.
  return db.connection().execute(async (tx) => {
    await sql.raw(begin).execute(tx);
    try {
      const result = await fn(tx);
      await sql`commit`.execute(tx);
      return result;
    } catch (err) {
      // SQLite may have rolled back already (e.g. on SQLITE_FULL); the error to report is `err`.
      await sql`rollback`.execute(tx).catch(() => undefined);
      throw err;
    }
  });
}
