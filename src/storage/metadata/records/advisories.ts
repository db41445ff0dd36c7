import type { AdvisoryPackageKey, AdvisoryRecords, StoredAdvisory, VulnDbVersion } from '../metadata-store.js';
import type { Db } from '../schema.js';
import { inChunks } from './in-chunks.js';

export function advisoryRecords(db: Db): AdvisoryRecords {
  return {
    async put(advisory, now) {
      const stored = await db.selectFrom('advisories').select('modified').where('id', '=', advisory.id).executeTakeFirst();
      if (stored?.modified === advisory.modified) return 'unchanged';
      const row = { modified: advisory.modified, document: advisory.document, updated_at: now.getTime() };
      let before: AdvisoryPackageKey[] = [];
      if (stored) {
        before = (await db.selectFrom('advisory_packages').select(['ecosystem', 'package_name']).where('advisory_id', '=', advisory.id).execute()).map((r) => ({
          ecosystem: r.ecosystem,
          name: r.package_name,
        }));
        await db.updateTable('advisories').set(row).where('id', '=', advisory.id).execute();
        await db.deleteFrom('advisory_packages').where('advisory_id', '=', advisory.id).execute();
      } else {
        await db.insertInto('advisories').values({ id: advisory.id, ...row }).execute();
      }
      const after = distinctKeys(advisory.packages);
      await inChunks(after, (chunk) => db.insertInto('advisory_packages').values(chunk.map((p) => ({ advisory_id: advisory.id, ecosystem: p.ecosystem, package_name: p.name }))).execute());
      // The packages named before and after: SBOMs with either may see different findings.
      const changed = distinctKeys([...before, ...after]).map((p) => ({ version: null, ecosystem: p.ecosystem, package_name: p.name }));
      await inChunks(changed, (chunk) => db.insertInto('advisory_changes').values(chunk).execute());
      return stored ? 'updated' : 'added';
    },

    async get(id) {
      return db.selectFrom('advisories').select(['id', 'modified', 'document']).where('id', '=', id).executeTakeFirst();
    },

    async forPackages(keys) {
      // One IN list per ecosystem: portable, and the primary key (ecosystem, package_name, …) serves it.
      const byEcosystem = new Map<string, Set<string>>();
      for (const { ecosystem, name } of keys) {
        const names = byEcosystem.get(ecosystem) ?? new Set<string>();
        names.add(name);
        byEcosystem.set(ecosystem, names);
      }
      const ids = new Set<string>();
      for (const [ecosystem, names] of byEcosystem) {
        const rows = await inChunks([...names], (chunk) =>
          db.selectFrom('advisory_packages').select('advisory_id').where('ecosystem', '=', ecosystem).where('package_name', 'in', chunk).execute(),
        );
        for (const r of rows) ids.add(r.advisory_id);
      }
      const found: StoredAdvisory[] = await inChunks([...ids], (chunk) =>
        db.selectFrom('advisories').select(['id', 'modified', 'document']).where('id', 'in', chunk).execute(),
      );
      return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },

    async count() {
      const row = await db.selectFrom('advisories').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async currentVersion() {
      const row = await db.selectFrom('vulndb_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
      return row && toVersion(row);
    },

    async recordVersion(counts, now) {
      const current = await db.selectFrom('vulndb_versions').select('version').orderBy('version', 'desc').limit(1).executeTakeFirst();
      const row = { version: (current?.version ?? 0) + 1, imported_at: now.getTime(), added: counts.added, updated: counts.updated };
      await db.insertInto('vulndb_versions').values(row).execute();
      // The changes imported since the last version (by this import, or one that stopped short) are this version's.
      await db.updateTable('advisory_changes').set({ version: row.version }).where('version', 'is', null).execute();
      return toVersion(row);
    },

    async changedPackages(after, upTo) {
      const rows = await db
        .selectFrom('advisory_changes')
        .select(['ecosystem', 'package_name', (eb) => eb.fn.max<number>('version').as('version')])
        .where('version', '>', after)
        .where('version', '<=', upTo)
        .groupBy(['ecosystem', 'package_name'])
        .execute();
      return rows.map((r) => ({ ecosystem: r.ecosystem, name: r.package_name, version: Number(r.version) }));
    },
  };
}

function toVersion(row: { version: number; imported_at: number; added: number; updated: number }): VulnDbVersion {
  return { version: row.version, importedAt: new Date(row.imported_at), added: row.added, updated: row.updated };
}

function distinctKeys(keys: readonly AdvisoryPackageKey[]): AdvisoryPackageKey[] {
  return [...new Map(keys.map((k) => [`${k.ecosystem}\u0000${k.name}`, k])).values()];
}
