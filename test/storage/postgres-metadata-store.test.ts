import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { digestOf } from '../../src/domain/digest.js';
import { openPostgresMetadataStore } from '../../src/storage/metadata/open.js';
import { dropSchema, execute, findPostgres, randomSchemaName } from '../helpers/postgres.js';
import { describeMetadataStore, type MetadataDatabaseFixture } from '../suites/metadata-store.suite.js';
import { describeScanningRecords } from '../suites/scanning-records.suite.js';

const url = await findPostgres();

describe.skipIf(url === undefined)('PostgreSQL', () => {
  const postgresDatabase = async (): Promise<MetadataDatabaseFixture> => {
    const schema = randomSchemaName();
    return {
      config: { kind: 'postgres', url: url!, schema },
      connect: () =>
        new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url!, options: `-c search_path=${schema}` }) }) }),
      cleanup: () => dropSchema(url!, schema),
    };
  };
  describeMetadataStore('PostgreSQL MetadataStore', postgresDatabase);
  describeScanningRecords('PostgreSQL MetadataStore', postgresDatabase);

  // The suite's byte-order checks prove little on a database whose default collation is C.
  it('lists names and tags in byte order where the database collation would not (ICU en-US)', async () => {
    const database = randomSchemaName();
    await execute(url!, `create database ${database} template template0 locale_provider icu icu_locale 'en-US'`);
    const databaseUrl = new URL(url!);
    databaseUrl.pathname = `/${database}`;
    const store = await openPostgresMetadataStore(databaseUrl.href);
    try {
      const names = ['b', 'B', 'a_b', 'a/b', 'a-b', 'a'];
      const content = Buffer.from('{}');
      const tags = await store.write(async (tx) => {
        for (const name of names) await tx.repositories.ensure(name, new Date(0));
        const repo = await tx.repositories.ensure('a', new Date(0));
        await tx.manifests.put(repo.id, { digest: digestOf(content), mediaType: 'application/json', content, references: [], imageSize: 0 }, new Date(0));
        for (const name of names) await tx.tags.put(repo.id, name, digestOf(content), new Date(0));
        return tx.tags.list(repo.id, { limit: 10 });
      });
      expect(await store.read((tx) => tx.repositories.listNames({ limit: 10 }))).toEqual(['B', 'a', 'a-b', 'a/b', 'a_b', 'b']);
      expect(tags).toEqual(['B', 'a', 'a-b', 'a/b', 'a_b', 'b']);
    } finally {
      await store.close();
      await execute(url!, `drop database ${database}`);
    }
  });
});
