import type { Clock } from '../domain/clock.js';
import { digestAlgorithm, type Digest } from '../domain/digest.js';
import { parseManifest, type ParsedManifest } from '../domain/manifest.js';
import { acceptsManifest, OCI_INDEX } from '../domain/media-types.js';
import type { Reference } from '../domain/names.js';
import { isTagImmutable } from '../domain/tag-mutability.js';
import { RegistryError } from '../errors/registry-error.js';
import type { Descriptor, MetadataStore, MetadataTx, PageRequest, Repository, StoredManifest } from '../storage/metadata/metadata-store.js';

export interface PushedManifest {
  readonly digest: Digest;
  readonly subject?: Digest | undefined;
}

/** Manifests, tags and referrers of a repository. */
export class ManifestService {
  constructor(
    private readonly options: {
      metadata: MetadataStore;
      clock: Clock;
      /** Runs in the push's transaction when a manifest is newly stored (scan on push enqueues here). */
      onStored?: (tx: MetadataTx, repository: Repository, manifest: ParsedManifest, now: Date) => Promise<void>;
    },
  ) {}

  /**
   * Validates and stores a manifest, moving the tag when the reference is one. Referenced blobs
   * must be linked to the repository and index children stored in it; everything lands in one
   * transaction, so a failed push changes nothing.
   */
  async put(repository: Repository, reference: Reference, content: Uint8Array, contentType: string | undefined): Promise<PushedManifest> {
    const algorithm = reference.kind === 'digest' ? digestAlgorithm(reference.digest) : 'sha256';
    const manifest = parseManifest(content, contentType, algorithm);
    if (reference.kind === 'digest' && reference.digest !== manifest.digest) {
      throw new RegistryError('DIGEST_INVALID', `manifest digest is ${manifest.digest}, not ${reference.digest}`, {
        detail: { expected: reference.digest, actual: manifest.digest },
      });
    }
    await this.options.metadata.write(async (tx) => {
      const now = this.options.clock.now();
      await checkReferences(tx, repository, manifest, now);
      if (await tx.manifests.put(repository.id, manifest, now)) await this.options.onStored?.(tx, repository, manifest, now);
      if (reference.kind === 'tag') await moveTag(tx, repository, reference.tag, manifest.digest, now);
    });
    return { digest: manifest.digest, subject: manifest.subject };
  }

  /** Resolves a tag or digest to the stored manifest, honouring the client's Accept header. */
  async get(repository: Repository, reference: Reference, accept?: string): Promise<StoredManifest> {
    const manifest = await this.options.metadata.read(async (tx) => {
      const digest = reference.kind === 'digest' ? reference.digest : await tx.tags.get(repository.id, reference.tag);
      return digest ? tx.manifests.get(repository.id, digest) : undefined;
    });
    if (!manifest) throw unknownManifest(repository, reference);
    if (!acceptsManifest(accept, manifest.mediaType)) {
      throw new RegistryError('MANIFEST_NOT_ACCEPTABLE', `manifest is ${manifest.mediaType}, which the Accept header does not list`);
    }
    return manifest;
  }

  /** By digest: deletes the manifest and every tag on it. By tag: deletes the tag only. */
  async delete(repository: Repository, reference: Reference): Promise<void> {
    await this.options.metadata.write(async (tx) => {
      if (reference.kind === 'tag') {
        if (!(await tx.tags.delete(repository.id, reference.tag))) throw unknownManifest(repository, reference);
        return;
      }
      if (await tx.manifests.isReferencedByIndex(repository.id, reference.digest)) {
        throw new RegistryError('MANIFEST_REFERENCED', `manifest ${reference.digest} is listed by an index; delete the index first`);
      }
      if (!(await tx.manifests.delete(repository.id, reference.digest))) throw unknownManifest(repository, reference);
    });
  }

  async listTags(repository: Repository, page: PageRequest): Promise<string[]> {
    return this.options.metadata.read((tx) => tx.tags.list(repository.id, page));
  }

  /** The referrers API's response: an OCI index of the manifests whose subject is `subject`. */
  async referrers(repository: Repository, subject: Digest, artifactType?: string): Promise<{ mediaType: string; schemaVersion: 2; manifests: Descriptor[] }> {
    const manifests = await this.options.metadata.read((tx) => tx.manifests.listReferrers(repository.id, subject, artifactType));
    return { schemaVersion: 2, mediaType: OCI_INDEX, manifests };
  }

  /**
   * ECR's BatchDeleteImage for one image id, in one transaction. By digest: deletes the image
   * and every tag on it. By tag: removes the tag, and deletes the image with its last tag unless
   * an index still lists it (it then stays, untagged). `expected` guards against the tag having
   * moved since the caller resolved it. Returns the image's digest and the tags removed.
   * With `actor` (a caller's ARN, or `lifecycle`), a deleted image is recorded in the audit trail
   * in the same transaction.
   */
  async deleteImage(repository: Repository, reference: Reference, expected?: Digest, actor?: string): Promise<{ digest: Digest; tags: string[] }> {
    return this.options.metadata.write(async (tx) => {
      const digest = reference.kind === 'digest' ? reference.digest : await tx.tags.get(repository.id, reference.tag);
      if (digest === undefined || (expected !== undefined && digest !== expected)) throw unknownManifest(repository, reference);
      const referenced = () => tx.manifests.isReferencedByIndex(repository.id, digest);
      const audit = async (tags: string[]) => {
        if (actor !== undefined) await tx.events.append({ at: this.options.clock.now(), type: 'image.deleted', actor, repository: repository.name, detail: { digest, tags } });
      };
      if (reference.kind === 'tag') {
        await tx.tags.delete(repository.id, reference.tag);
        if ((await tx.tags.listForManifest(repository.id, digest)).length === 0 && !(await referenced())) {
          await tx.manifests.delete(repository.id, digest);
          await audit([reference.tag]);
        }
        return { digest, tags: [reference.tag] };
      }
      if (await referenced()) {
        throw new RegistryError('MANIFEST_REFERENCED', `manifest ${digest} is listed by an index; delete the index first`);
      }
      const tags = await tx.tags.listForManifest(repository.id, digest);
      if (!(await tx.manifests.delete(repository.id, digest))) throw unknownManifest(repository, reference);
      await audit(tags);
      return { digest, tags };
    });
  }
}

/** Referenced blobs must be linked to the repository (the links are refreshed), index children stored in it. */
async function checkReferences(tx: MetadataTx, repository: Repository, manifest: ParsedManifest, now: Date): Promise<void> {
  const linked = manifest.blobs.length > 0 ? await tx.blobs.useLinked(repository.id, manifest.blobs, now) : new Set<Digest>();
  const missingBlob = manifest.blobs.find((d) => !linked.has(d));
  if (missingBlob) {
    throw new RegistryError('MANIFEST_BLOB_UNKNOWN', `blob ${missingBlob} is not in repository ${repository.name}`, { detail: { digest: missingBlob } });
  }
  const stored = manifest.children.length > 0 ? await tx.manifests.existing(repository.id, manifest.children) : new Set<Digest>();
  const missingChild = manifest.children.find((d) => !stored.has(d));
  if (missingChild) {
    throw new RegistryError('MANIFEST_BLOB_UNKNOWN', `manifest ${missingChild} listed by the index is not in repository ${repository.name}`, {
      detail: { digest: missingChild },
    });
  }
}

/**
 * Points the tag at the digest, unless it points at another image and the repository's
 * mutability setting (read in this transaction, so a concurrent change counts) keeps it there.
 * Pushing the same digest under the same tag again is always allowed.
 */
async function moveTag(tx: MetadataTx, repository: Repository, tag: string, digest: Digest, now: Date): Promise<void> {
  const previous = await tx.tags.put(repository.id, tag, digest, now);
  if (previous === undefined || previous === digest) return;
  const settings = (await tx.repositories.get(repository.name))?.settings ?? repository.settings;
  if (isTagImmutable(settings, tag)) {
    // Throwing rolls the transaction back, so the tag keeps pointing where it did.
    throw new RegistryError(
      'TAG_IMMUTABLE',
      `The image tag '${tag}' already exists in the '${repository.name}' repository and cannot be overwritten because the tag is immutable.`,
    );
  }
}

function unknownManifest(repository: Repository, reference: Reference): RegistryError {
  const ref = reference.kind === 'tag' ? reference.tag : reference.digest;
  return new RegistryError('MANIFEST_UNKNOWN', `manifest ${ref} unknown to repository ${repository.name}`, { detail: { reference: ref } });
}
