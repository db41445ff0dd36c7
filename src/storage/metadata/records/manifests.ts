import type { Selectable } from 'kysely';
import type { Digest } from '../../../domain/digest.js';
import type { Descriptor, ImageSummary, ManifestRecords, StoredManifest } from '../metadata-store.js';
import type { Db, ManifestsTable } from '../schema.js';
import { inChunks } from './in-chunks.js';
import { isReferenced } from './references.js';

/** The columns an ImageSummary needs: everything but the manifest bytes. */
const IMAGE_COLUMNS = ['digest', 'media_type', 'artifact_type', 'size', 'image_size', 'pushed_at', 'last_pulled_at', 'subject', 'storage_class', 'last_archived_at', 'last_activated_at'] as const;
type ImageRow = Pick<Selectable<ManifestsTable>, (typeof IMAGE_COLUMNS)[number]>;

export function manifestRecords(db: Db): ManifestRecords {
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
          image_size: manifest.imageSize,
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
    async listImages(repositoryId, { after, limit }) {
      let query = db.selectFrom('manifests').select(IMAGE_COLUMNS).where('repository_id', '=', repositoryId).orderBy('digest').limit(limit);
      if (after !== undefined) query = query.where('digest', '>', after);
      return withTags(db, repositoryId, await query.execute());
    },
    async getImage(repositoryId, digest) {
      const row = await db
        .selectFrom('manifests')
        .select(IMAGE_COLUMNS)
        .where('repository_id', '=', repositoryId)
        .where('digest', '=', digest)
        .executeTakeFirst();
      return row && (await withTags(db, repositoryId, [row]))[0];
    },
    async recordPulls(pulls) {
      // One update per image, with its latest time, in key order: two batches racing on
      // PostgreSQL lock the rows they share in the same order, so they cannot deadlock.
      const latest = new Map<string, { repositoryId: number; digest: Digest; at: number }>();
      for (const { repositoryId, digest, at } of pulls) {
        const key = `${repositoryId} ${digest}`;
        const seen = latest.get(key);
        if (!seen || at.getTime() > seen.at) latest.set(key, { repositoryId, digest, at: at.getTime() });
      }
      const ordered = [...latest.values()].sort((a, b) => a.repositoryId - b.repositoryId || compare(a.digest, b.digest));
      for (const { repositoryId, digest, at } of ordered) {
        await db
          .updateTable('manifests')
          .set({ last_pulled_at: at })
          .where('repository_id', '=', repositoryId)
          .where('digest', '=', digest)
          // In the statement, not read before it: a later pull recorded concurrently stays.
          .where((eb) => eb.or([eb('last_pulled_at', 'is', null), eb('last_pulled_at', '<', at)]))
          .execute();
      }
    },
  };
}

/** The images of `rows` with their tags, fetched in one query per 500 images, not one per image. */
async function withTags(db: Db, repositoryId: number, rows: readonly ImageRow[]): Promise<ImageSummary[]> {
  const tags = await inChunks(
    rows.map((r) => r.digest),
    (chunk) =>
      db
        .selectFrom('tags')
        .select(['manifest_digest', 'name'])
        .where('repository_id', '=', repositoryId)
        .where('manifest_digest', 'in', chunk)
        .orderBy('name')
        .execute(),
  );
  const byDigest = new Map<Digest, string[]>();
  for (const { manifest_digest, name } of tags) {
    const list = byDigest.get(manifest_digest);
    if (list) list.push(name);
    else byDigest.set(manifest_digest, [name]);
  }
  return rows.map((row) => ({
    digest: row.digest,
    mediaType: row.media_type,
    artifactType: row.artifact_type ?? undefined,
    manifestSize: row.size,
    imageSize: row.image_size,
    pushedAt: new Date(row.pushed_at),
    lastPulledAt: row.last_pulled_at === null ? undefined : new Date(row.last_pulled_at),
    subject: row.subject ?? undefined,
    tags: byDigest.get(row.digest) ?? [],
    storageClass: row.storage_class,
    lastArchivedAt: row.last_archived_at === null ? undefined : new Date(row.last_archived_at),
    lastActivatedAt: row.last_activated_at === null ? undefined : new Date(row.last_activated_at),
  }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
    storageClass: row.storage_class,
  };
}

function parseAnnotations(json: string | null): Record<string, string> | undefined {
  return json === null ? undefined : (JSON.parse(json) as Record<string, string>);
}
