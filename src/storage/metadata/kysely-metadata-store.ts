import type { StoreDialect } from './dialect.js';
import type { MetadataStore, MetadataTx } from './metadata-store.js';
import { advisoryRecords } from './records/advisories.js';
import { blobRecords } from './records/blobs.js';
import { creationTemplateRecords } from './records/creation-templates.js';
import { eventRecords } from './records/events.js';
import { jobRecords } from './records/jobs.js';
import { iamRecords } from './records/iam.js';
import { lifecycleRecords } from './records/lifecycle.js';
import { manifestRecords } from './records/manifests.js';
import { registryRecords } from './records/registry-documents.js';
import { repositoryRecords } from './records/repositories.js';
import { resourceTagRecords } from './records/resource-tags.js';
import { scanRecords } from './records/scans.js';
import { tagRecords } from './records/tags.js';
import { uploadRecords } from './records/uploads.js';
import type { Db } from './schema.js';

/**
 * The MetadataStore for SQLite and PostgreSQL alike; what differs lives in the dialect. Each
 * record group is its own module under records/, written once against Kysely.
 */
export class KyselyMetadataStore implements MetadataStore {
  readonly kind: 'sqlite' | 'postgres';
  readonly #db: Db;
  readonly #dialect: StoreDialect;

  constructor(db: Db, dialect: StoreDialect) {
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

function transaction(db: Db, dialect: StoreDialect): MetadataTx {
  return {
    repositories: repositoryRecords(db, dialect),
    blobs: blobRecords(db, dialect),
    manifests: manifestRecords(db),
    tags: tagRecords(db, dialect),
    uploads: uploadRecords(db),
    resourceTags: resourceTagRecords(db),
    registry: registryRecords(db),
    templates: creationTemplateRecords(db),
    iam: iamRecords(db, dialect),
    jobs: jobRecords(db, dialect),
    lifecycle: lifecycleRecords(db),
    events: eventRecords(db),
    advisories: advisoryRecords(db),
    scans: scanRecords(db),
  };
}
