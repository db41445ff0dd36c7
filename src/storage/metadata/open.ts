import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { configureSqlite, postgresDialect, postgresTypes, sqliteDialect, type StoreDialect } from './dialect.js';
import { KyselyMetadataStore } from './kysely-metadata-store.js';
import { withStatementCache } from './statement-cache.js';
import type { MetadataStore } from './metadata-store.js';
import { migrate } from './migrations/index.js';
import type { Database } from './schema.js';

export type MetadataStoreConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string | undefined };

/** Opens the embedded store on `file` (created if missing) and migrates it to the latest version. */
export function openSqliteMetadataStore(file: string): Promise<MetadataStore> {
  return open(connectSqlite(file));
}

/**
 * Opens a PostgreSQL store and migrates it to the latest version. Tables live in `schema`
 * (default `public`; created if missing), so one database can hold several registries or tests.
 */
export async function openPostgresMetadataStore(url: string, options: { schema?: string | undefined } = {}): Promise<MetadataStore> {
  return open(await connectPostgres(url, options.schema));
}

export async function openMetadataStore(config: MetadataStoreConfig): Promise<MetadataStore> {
  return open(await connect(config));
}

/**
 * For `wharf migrate`: applies pending migrations, up to `options.to` (a migration's name) or
 * else the latest, and returns their names. Opening a store migrates to the latest anyway.
 */
export async function migrateMetadataStore(config: MetadataStoreConfig, options: { readonly to?: string | undefined } = {}): Promise<string[]> {
  const connection = await connect(config);
  try {
    return await migrate(connection.db, connection.dialect, { schema: connection.schema, target: options.to });
  } finally {
    await connection.db.destroy();
  }
}

interface Connection {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  readonly schema?: string;
}

async function connect(config: MetadataStoreConfig): Promise<Connection> {
  return config.kind === 'sqlite' ? connectSqlite(config.file) : connectPostgres(config.url, config.schema);
}

async function open(connection: Connection): Promise<MetadataStore> {
  try {
    await migrate(connection.db, connection.dialect, { schema: connection.schema });
  } catch (err) {
    await connection.db.destroy();
    throw err;
  }
  return new KyselyMetadataStore(connection.db, connection.dialect);
}

function connectSqlite(file: string): Connection {
  const database = new BetterSqlite3(file);
  configureSqlite(database);
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) }), dialect: sqliteDialect };
}

// Goes unquoted into the connection's startup options.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

async function connectPostgres(url: string, schema = 'public'): Promise<Connection> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and _`);
  // Loaded only here: the embedded default never pays for pg's modules in memory or start-up time.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}`, types: postgresTypes(pg.types) });
  // An idle connection the server drops emits here; the pool discards it and the next query
  // opens a new one. Without a listener the process would exit.
  pool.on('error', () => undefined);
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: postgresDialect, schema };
}
