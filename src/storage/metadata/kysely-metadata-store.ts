import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { Digest } from '../../domain/digest.js';
import { RegistryError } from '../../errors/registry-error.js';
import type { StoreDialect } from './dialect.js';
import type {
  BlobRecords,
  Descriptor,
  ManifestRecords,
  MetadataStore,
  MetadataTx,
  PageRequest,
  Repository,
  RepositoryRecords,
  StoredManifest,
  TagRecords,
  Upload,
  UploadRecords,
} from './metadata-store.js';
import type { Database, ManifestsTable, RepositoriesTable, UploadsTable } from './schema.js';

/** The MetadataStore for SQLite and PostgreSQL alike; what differs lives in the dialect. */
export class KyselyMetadataStore implements MetadataStore {
  readonly kind: 'sqlite' | 'postgres';
  readonly #db: Kysely<Database>;
  readonly #dialect: StoreDialect;

  constructor(db: Kysely<Database>, dialect: StoreDialect) {
    this.kind = dialect.kind;
    this.#db = db;
    this.#dialect = dialect;
  }

  read<T>(fn: (tx: MetadataTx) => Promise<T>): Promise<T> {
    return this.#dialect.read(this.#db, (db) => fn(transaction(db, this.#dialect)));
  }

  write<T>(fn: (tx: MetadataTx) => Promise<T>): Promise<T> {
    return this.#dialect.write(this.#db, (db) => fn(transaction(db, this.#dialect)));
  }

  close(): Promise<void> {
    return this.#db.destroy();
  }
}

type Db = Kysely<Database>;

function transaction(db: Db, dialect: StoreDialect): MetadataTx {
  return {
    repositories: repositoryRecords(db),
    blobs: blobRecords(db, dialect),
    manifests: manifestRecords(db),
    tags: tagRecords(db, dialect),
    uploads: uploadRecords(db),
  };
}

function repositoryRecords(db: Db): RepositoryRecords {
  const get = async (name: string) => {
    const row = await db.selectFrom('repositories').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toRepository(row);
  };
  return {
    get,
    async ensure(name, now) {
      // Insert-or-nothing, then read: on PostgreSQL a concurrent insert of the same name makes
      // this one wait for it and then do nothing, so both see the same row.
      await db
        .insertInto('repositories')
        .values({ name, created_at: now.getTime() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      return (await get(name))!;
    },
    async listNames({ last, limit }) {
      let query = db.selectFrom('repositories').select('name').orderBy('name').limit(limit);
      if (last !== undefined) query = query.where('name', '>', last);
      return (await query.execute()).map((r) => r.name);
    },
  };
}

function blobRecords(db: Db, dialect: StoreDialect): BlobRecords {
  return {
    async touch(digest, size, now) {
      await db
        .insertInto('blobs')
        .values({ digest, size, updated_at: now.getTime() })
        .onConflict((oc) => oc.column('digest').doUpdateSet({ updated_at: now.getTime() }))
        .execute();
    },
    get: (digest) => db.selectFrom('blobs').select(['digest', 'size']).where('digest', '=', digest).executeTakeFirst(),
    async link(repositoryId, digest, now) {
      // Bumping the blob row first is what stops a concurrent deleteIfUnreferenced: it either
      // waits for this and then sees a fresh row, or has deleted the row and this finds none.
      const bumped = await db.updateTable('blobs').set({ updated_at: now.getTime() }).where('digest', '=', digest).executeTakeFirst();
      if (bumped.numUpdatedRows === 0n) throw new RegistryError('BLOB_UNKNOWN', `blob ${digest} is not known to the registry`);
      await db
        .insertInto('repository_blobs')
        .values({ repository_id: repositoryId, digest, updated_at: now.getTime() })
        .onConflict((oc) => oc.columns(['repository_id', 'digest']).doUpdateSet({ updated_at: now.getTime() }))
        .execute();
    },
    getLinked: (repositoryId, digest) =>
      db
        .selectFrom('repository_blobs as l')
        .innerJoin('blobs as b', 'b.digest', 'l.digest')
        .select(['b.digest', 'b.size'])
        .where('l.repository_id', '=', repositoryId)
        .where('l.digest', '=', digest)
        .executeTakeFirst(),
    async useLinked(repositoryId, digests, now) {
      const found = await inChunks(digests, (chunk) =>
        db
          .updateTable('repository_blobs')
          .set({ updated_at: now.getTime() })
          .where('repository_id', '=', repositoryId)
          .where('digest', 'in', chunk)
          .returning('digest')
          .execute(),
      );
      return new Set(found.map((r) => r.digest));
    },
    async unlink(repositoryId, digest) {
      const result = await db
        .deleteFrom('repository_blobs')
        .where('repository_id', '=', repositoryId)
        .where('digest', '=', digest)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    isReferencedInRepository: (repositoryId, digest) => isReferenced(db, repositoryId, digest, 'blob'),
    async deleteStaleLinks(cutoff) {
      // The time condition is on the deleted row itself: a DELETE that waits on a link being
      // refreshed re-evaluates it on the new version (PostgreSQL) and leaves the link.
      const result = await db
        .deleteFrom('repository_blobs')
        .where('updated_at', '<', cutoff.getTime())
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('manifest_references as r')
                .select(sql.lit(1).as('one'))
                .whereRef('r.repository_id', '=', 'repository_blobs.repository_id')
                .whereRef('r.child_digest', '=', 'repository_blobs.digest'),
            ),
          ),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async listUnreferenced(cutoff, limit) {
      const rows = await db
        .selectFrom('blobs')
        .select('digest')
        .where(collectable(cutoff))
        .orderBy('digest')
        .limit(limit)
        .execute();
      return rows.map((r) => r.digest);
    },
    async deleteIfUnreferenced(digest, cutoff) {
      // Lock first so that links wait for this transaction (and the caller's byte delete); then
      // delete in a new statement, whose fresh snapshot sees links committed before the lock.
      const locked = await db
        .selectFrom('blobs')
        .select('digest')
        .where('digest', '=', digest)
        .where(collectable(cutoff))
        .$call(dialect.forUpdate)
        .executeTakeFirst();
      if (!locked) return false;
      const result = await db.deleteFrom('blobs').where('digest', '=', digest).where(collectable(cutoff)).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

/** A blob row GC may delete: untouched since `cutoff`, linked nowhere, referenced by no manifest. */
function collectable(cutoff: Date) {
  return ({ and, not, exists, selectFrom, eb }: ExpressionBuilder<Database, 'blobs'>) =>
    and([
      eb('blobs.updated_at', '<', cutoff.getTime()),
      not(exists(selectFrom('repository_blobs as l').select(sql.lit(1).as('one')).whereRef('l.digest', '=', 'blobs.digest'))),
      not(exists(selectFrom('manifest_references as r').select(sql.lit(1).as('one')).whereRef('r.child_digest', '=', 'blobs.digest'))),
    ]);
}

async function isReferenced(db: Db, repositoryId: number, digest: Digest, kind: 'blob' | 'manifest'): Promise<boolean> {
  const row = await db
    .selectFrom('manifest_references')
    .select('kind')
    .where('repository_id', '=', repositoryId)
    .where('child_digest', '=', digest)
    .where('kind', '=', kind)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

function manifestRecords(db: Db): ManifestRecords {
  return {
    async get(repositoryId, digest) {
      const row = await db
        .selectFrom('manifests')
        .selectAll()
        .where('repository_id', '=', repositoryId)
        .where('digest', '=', digest)
        .executeTakeFirst();
      return row && toStoredManifest(row);
    },
    async put(repositoryId, manifest, now) {
      const { content } = manifest;
      const inserted = await db
        .insertInto('manifests')
        .values({
          repository_id: repositoryId,
          digest: manifest.digest,
          media_type: manifest.mediaType,
          artifact_type: manifest.artifactType ?? null,
          size: content.byteLength,
          content: Buffer.from(content.buffer, content.byteOffset, content.byteLength),
          subject: manifest.subject ?? null,
          annotations: manifest.annotations ? JSON.stringify(manifest.annotations) : null,
          pushed_at: now.getTime(),
        })
        .onConflict((oc) => oc.columns(['repository_id', 'digest']).doNothing())
        .returning('digest')
        .executeTakeFirst();
      if (!inserted) return false;
      // A manifest may list one blob twice (a layer repeated); keep one row per child.
      const children = new Map(manifest.references.map((r) => [r.digest, r.kind]));
      const rows = [...children].map(([child, kind]) => ({
        repository_id: repositoryId,
        manifest_digest: manifest.digest,
        child_digest: child,
        kind,
      }));
      await inChunks(rows, (chunk) => db.insertInto('manifest_references').values(chunk).execute());
      return true;
    },
    async existing(repositoryId, digests) {
      const found = await inChunks(digests, (chunk) =>
        db.selectFrom('manifests').select('digest').where('repository_id', '=', repositoryId).where('digest', 'in', chunk).execute(),
      );
      return new Set(found.map((r) => r.digest));
    },
    async delete(repositoryId, digest) {
      // References and tags go with it: ON DELETE CASCADE (see the initial migration).
      const result = await db
        .deleteFrom('manifests')
        .where('repository_id', '=', repositoryId)
        .where('digest', '=', digest)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    isReferencedByIndex: (repositoryId, digest) => isReferenced(db, repositoryId, digest, 'manifest'),
    async listReferrers(repositoryId, subject, artifactType) {
      let query = db
        .selectFrom('manifests')
        .select(['media_type', 'digest', 'size', 'artifact_type', 'annotations'])
        .where('repository_id', '=', repositoryId)
        .where('subject', '=', subject)
        .orderBy('digest');
      if (artifactType !== undefined) query = query.where('artifact_type', '=', artifactType);
      return (await query.execute()).map(
        (row): Descriptor => ({
          mediaType: row.media_type,
          digest: row.digest,
          size: row.size,
          artifactType: row.artifact_type ?? undefined,
          annotations: parseAnnotations(row.annotations),
        }),
      );
    },
  };
}

function tagRecords(db: Db, dialect: StoreDialect): TagRecords {
  const row = (repositoryId: number, tag: string) =>
    db.selectFrom('tags').select('manifest_digest').where('repository_id', '=', repositoryId).where('name', '=', tag);
  const put: TagRecords['put'] = async (repositoryId, tag, digest, now) => {
    const inserted = await db
        .insertInto('tags')
        .values({ repository_id: repositoryId, name: tag, manifest_digest: digest, updated_at: now.getTime() })
        .onConflict((oc) => oc.columns(['repository_id', 'name']).doNothing())
        .returning('name')
        .executeTakeFirst();
      if (inserted) return undefined;
      // The tag exists: lock it so that what we report as its previous digest is what we replace.
      const previous = await row(repositoryId, tag).$call(dialect.forUpdate).executeTakeFirst();
      // Deleted between the two statements (PostgreSQL): start over.
      if (!previous) return put(repositoryId, tag, digest, now);
      await db
        .updateTable('tags')
        .set({ manifest_digest: digest, updated_at: now.getTime() })
        .where('repository_id', '=', repositoryId)
        .where('name', '=', tag)
        .execute();
      return previous.manifest_digest;
  };
  return {
    async get(repositoryId, tag) {
      return (await row(repositoryId, tag).executeTakeFirst())?.manifest_digest;
    },
    put,
    async delete(repositoryId, tag) {
      const result = await db.deleteFrom('tags').where('repository_id', '=', repositoryId).where('name', '=', tag).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async list(repositoryId, { last, limit }: PageRequest) {
      let query = db.selectFrom('tags').select('name').where('repository_id', '=', repositoryId).orderBy('name').limit(limit);
      if (last !== undefined) query = query.where('name', '>', last);
      return (await query.execute()).map((r) => r.name);
    },
    async listForManifest(repositoryId, digest) {
      const rows = await db
        .selectFrom('tags')
        .select('name')
        .where('repository_id', '=', repositoryId)
        .where('manifest_digest', '=', digest)
        .orderBy('name')
        .execute();
      return rows.map((r) => r.name);
    },
  };
}

function uploadRecords(db: Db): UploadRecords {
  return {
    async create({ id, repositoryId, storeKey }, now) {
      const row = { id, repository_id: repositoryId, store_key: storeKey, offset: 0, started_at: now.getTime(), updated_at: now.getTime() };
      await db.insertInto('uploads').values(row).execute();
      return toUpload(row);
    },
    async get(id) {
      const row = await db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toUpload(row);
    },
    async setOffset(id, offset, now) {
      const result = await db.updateTable('uploads').set({ offset, updated_at: now.getTime() }).where('id', '=', id).executeTakeFirst();
      // Purged (or finished) by someone else while this chunk was being received.
      if (result.numUpdatedRows === 0n) throw new RegistryError('BLOB_UPLOAD_UNKNOWN');
    },
    async delete(id) {
      const result = await db.deleteFrom('uploads').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async listStale(cutoff, limit) {
      const rows = await db
        .selectFrom('uploads')
        .selectAll()
        .where('updated_at', '<', cutoff.getTime())
        .orderBy('updated_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toUpload);
    },
    async hasStoreKey(storeKey) {
      const row = await db.selectFrom('uploads').select('id').where('store_key', '=', storeKey).limit(1).executeTakeFirst();
      return row !== undefined;
    },
  };
}

/**
 * Runs `fn` over `items` in slices, concatenating the results: keeps `IN (…)` lists and
 * multi-row inserts under SQLite's and PostgreSQL's bound-parameter limits, and skips empty
 * lists (`IN ()` is a syntax error).
 */
async function inChunks<T, R>(items: readonly T[], fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += 500) results.push(...(await fn(items.slice(i, i + 500))));
  return results;
}

function toRepository(row: Selectable<RepositoriesTable>): Repository {
  return { id: row.id, name: row.name, createdAt: new Date(row.created_at) };
}

function toStoredManifest(row: Selectable<ManifestsTable>): StoredManifest {
  return {
    repositoryId: row.repository_id,
    digest: row.digest,
    mediaType: row.media_type,
    artifactType: row.artifact_type ?? undefined,
    size: row.size,
    content: row.content,
    subject: row.subject ?? undefined,
    annotations: parseAnnotations(row.annotations),
    pushedAt: new Date(row.pushed_at),
  };
}

function toUpload(row: Selectable<UploadsTable>): Upload {
  return {
    id: row.id,
    repositoryId: row.repository_id,
    storeKey: row.store_key,
    offset: row.offset,
    startedAt: new Date(row.started_at),
    updatedAt: new Date(row.updated_at),
  };
}

function parseAnnotations(json: string | null): Record<string, string> | undefined {
  return json === null ? undefined : (JSON.parse(json) as Record<string, string>);
}
