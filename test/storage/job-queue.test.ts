import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { openPostgresMetadataStore, openSqliteMetadataStore } from '../../src/storage/metadata/open.js';
import { dropSchema, findPostgres, randomSchemaName } from '../helpers/postgres.js';
import { describeJobQueue } from '../suites/job-queue.suite.js';

const url = await findPostgres();

describeJobQueue('job queue on SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-jobs-'));
  const file = join(dir, 'wharf.db');
  const store = await openSqliteMetadataStore(file);
  return {
    store,
    openPeer: () => openSqliteMetadataStore(file),
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe.skipIf(url === undefined)('PostgreSQL', () => {
  describeJobQueue('job queue on PostgreSQL', async () => {
    const schema = randomSchemaName();
    const store = await openPostgresMetadataStore(url!, { schema });
    return {
      store,
      openPeer: () => openPostgresMetadataStore(url!, { schema }),
      cleanup: async () => {
        await store.close();
        await dropSchema(url!, schema);
      },
    };
  });
});
