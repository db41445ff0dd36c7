import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateMetadataStore, openSqliteMetadataStore } from '../../src/storage/metadata/open.js';
import { describeMetadataStore, type MetadataDatabaseFixture } from '../suites/metadata-store.suite.js';
import { describeScanningRecords } from '../suites/scanning-records.suite.js';

const sqliteDatabase = async (): Promise<MetadataDatabaseFixture> => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-sqlite-'));
  const file = join(dir, 'wharf.db');
  return {
    config: { kind: 'sqlite', file },
    connect: () => new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
};
describeMetadataStore('SQLite MetadataStore', sqliteDatabase);
describeScanningRecords('SQLite MetadataStore', sqliteDatabase);

// One database file shared by several openers, as `wharf migrate` or `wharf gc` next to `wharf serve`.
describe('SQLite MetadataStore on a shared file', () => {
  const now = new Date(Date.UTC(2026, 0, 1));
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-sqlite-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('migrateMetadataStore applies pending migrations once', async () => {
    const config = { kind: 'sqlite', file: join(dir, 'wharf.db') } as const;
    expect((await migrateMetadataStore(config)).slice(0, 4)).toEqual(['0001-initial', '0002-ecr-and-iam', '0003-jobs', '0004-lifecycle']);
    expect(await migrateMetadataStore(config)).toEqual([]);
    const store = await openSqliteMetadataStore(config.file);
    await store.close();
  });

  it('a second store sees committed writes and not uncommitted ones', async () => {
    const file = join(dir, 'wharf.db');
    const first = await openSqliteMetadataStore(file);
    const second = await openSqliteMetadataStore(file);
    try {
      await first.write(async (tx) => {
        await tx.repositories.ensure('repo', now);
        expect(await second.read((other) => other.repositories.get('repo'))).toBeUndefined();
      });
      expect(await second.read((tx) => tx.repositories.get('repo'))).toMatchObject({ name: 'repo', createdAt: now });
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('a write transaction holds the write lock from its start (BEGIN IMMEDIATE)', async () => {
    const file = join(dir, 'wharf.db');
    const store = await openSqliteMetadataStore(file);
    const other = new BetterSqlite3(file);
    other.pragma('busy_timeout = 0');
    try {
      await store.write(async () => {
        expect(() => other.exec('begin immediate')).toThrow(/locked|busy/i);
      });
      other.exec('begin immediate; commit');
    } finally {
      other.close();
      await store.close();
    }
  });
});
