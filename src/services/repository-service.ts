import type { Config } from '../config/schema.js';
import type { Clock } from '../domain/clock.js';
import { assertRepositoryName } from '../domain/names.js';
import { repositoryArn } from '../domain/repository-arn.js';
import { mergeResourceTags } from '../domain/resource-tags.js';
import { coveringPrefixes } from '../domain/template-prefix.js';
import { RegistryError } from '../errors/registry-error.js';
import type { BlobStore } from '../storage/blob/blob-store.js';
import {
  DEFAULT_REPOSITORY_SETTINGS,
  type CreationTemplate,
  type MetadataStore,
  type MetadataTx,
  type PageRequest,
  type Repository,
  type RepositorySettings,
  type ResourceTag,
} from '../storage/metadata/metadata-store.js';

export interface RepositoryServiceOptions {
  readonly metadata: MetadataStore;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  readonly config: Pick<Config, 'region' | 'accountId' | 'repositories'>;
}

/** What a new repository starts with: its settings, resource tags and repository policy. */
export interface NewRepository {
  readonly settings: RepositorySettings;
  readonly tags?: readonly ResourceTag[] | undefined;
  readonly policy?: string | undefined;
}

export interface PushOptions {
  /**
   * Runs before a push creates the repository (implicitly or from a creation template), e.g. to
   * authorise `ecr:CreateRepository`; throwing stops the push.
   */
  readonly authorizeCreate?: (() => Promise<void>) | undefined;
}

/**
 * Repositories: lookup, explicit creation and deletion, and creation on push — implicit when
 * `repositories.createOnPush` is on, otherwise only through a CREATE_ON_PUSH creation template,
 * as ECR does.
 */
export class RepositoryService {
  constructor(private readonly options: RepositoryServiceOptions) {}

  get registryId(): string {
    return this.options.config.accountId;
  }

  arn(name: string): string {
    return repositoryArn(this.options.config, name);
  }

  /** The repository, or REPOSITORY_NOT_FOUND. */
  async get(name: string): Promise<Repository> {
    const repository = await this.find(name);
    if (!repository) throw repositoryNotFound(name, this.registryId);
    return repository;
  }

  /** The repository, or undefined; NAME_INVALID for a name outside the grammar. */
  async find(name: string): Promise<Repository | undefined> {
    assertRepositoryName(name);
    return this.options.metadata.read((tx) => tx.repositories.get(name));
  }

  /** The error for a repository that does not exist, as ECR words it. */
  notFound(name: string): RegistryError {
    return repositoryNotFound(name, this.registryId);
  }

  /** Runs `fn` in a read transaction with the repository, or throws REPOSITORY_NOT_FOUND. */
  async read<T>(name: string, fn: (tx: MetadataTx, repository: Repository) => Promise<T>): Promise<T> {
    assertRepositoryName(name);
    return this.options.metadata.read(async (tx) => fn(tx, await this.#require(tx, name)));
  }

  /** Runs `fn` in a write transaction with the repository, or throws REPOSITORY_NOT_FOUND. */
  async update<T>(name: string, fn: (tx: MetadataTx, repository: Repository) => Promise<T>): Promise<T> {
    assertRepositoryName(name);
    return this.options.metadata.write(async (tx) => fn(tx, await this.#require(tx, name)));
  }

  /** The named repositories in the order given (each once); REPOSITORY_NOT_FOUND names the first missing one. */
  async getMany(names: readonly string[]): Promise<Repository[]> {
    names.forEach(assertRepositoryName);
    return this.options.metadata.read(async (tx) => {
      const found: Repository[] = [];
      for (const name of new Set(names)) found.push(await this.#require(tx, name));
      return found;
    });
  }

  /** Repositories in name order, strictly after `page.last`. */
  async list(page: PageRequest): Promise<Repository[]> {
    return this.options.metadata.read(async (tx) => {
      const names = await tx.repositories.listNames(page);
      const repositories: Repository[] = [];
      for (const name of names) {
        const repository = await tx.repositories.get(name);
        if (repository) repositories.push(repository);
      }
      return repositories;
    });
  }

  async listNames(page: PageRequest): Promise<string[]> {
    return this.options.metadata.read((tx) => tx.repositories.listNames(page));
  }

  /** CreateRepository: the repository, its resource tags and policy in one transaction. */
  async create(name: string, spec: NewRepository): Promise<Repository> {
    assertRepositoryName(name);
    const tags = mergeResourceTags([], spec.tags ?? []);
    return this.options.metadata.write(async (tx) => {
      if (await tx.repositories.get(name)) {
        throw new RegistryError('REPOSITORY_ALREADY_EXISTS', `The repository with name '${name}' already exists in the registry with id '${this.registryId}'`);
      }
      return this.#insert(tx, name, { ...spec, tags }, this.options.clock.now());
    });
  }

  /**
   * The repository a push goes to. A missing one is created: with default settings when
   * `repositories.createOnPush` is on; otherwise from the most specific creation template with
   * appliedFor CREATE_ON_PUSH that covers the name (its settings, resource tags and repository
   * policy, in one transaction), or the push fails with REPOSITORY_NOT_FOUND.
   */
  async forPush(name: string, options: PushOptions = {}): Promise<Repository> {
    assertRepositoryName(name);
    const { metadata, clock, config } = this.options;
    const existing = await metadata.read((tx) => tx.repositories.get(name));
    if (existing) return existing;
    if (config.repositories.createOnPush) {
      await options.authorizeCreate?.();
      return metadata.write((tx) => tx.repositories.ensure(name, clock.now()));
    }
    if (!(await metadata.read((tx) => createOnPushTemplate(tx, name)))) throw repositoryNotFound(name, this.registryId);
    await options.authorizeCreate?.();
    return metadata.write(async (tx) => {
      const raced = await tx.repositories.get(name);
      if (raced) return raced;
      const template = await createOnPushTemplate(tx, name);
      if (!template) throw repositoryNotFound(name, this.registryId);
      return this.#insert(tx, name, fromTemplate(template), clock.now());
    });
  }

  /**
   * DeleteRepository: refuses a repository that holds images unless `force`. Manifests, tags,
   * blob links, uploads and resource tags go in one transaction; the uploads' bytes are discarded
   * afterwards, and blob bytes are left to GC.
   */
  async delete(name: string, force: boolean): Promise<Repository> {
    const { repository, uploadKeys } = await this.update(name, async (tx, repository) => {
      if (!force && (await tx.repositories.countImages(repository.id)) > 0) {
        throw new RegistryError(
          'REPOSITORY_NOT_EMPTY',
          `The repository with name '${name}' in registry with id '${this.registryId}' cannot be deleted because it still contains images`,
        );
      }
      const uploadKeys = await tx.repositories.delete(repository.id);
      await tx.resourceTags.removeAll(this.arn(name));
      return { repository, uploadKeys };
    });
    // The rows are gone; a failure to discard bytes leaves files the upload purge removes.
    await Promise.allSettled(uploadKeys.map((key) => this.options.blobs.abortUpload(key)));
    return repository;
  }

  async #require(tx: MetadataTx, name: string): Promise<Repository> {
    const repository = await tx.repositories.get(name);
    if (!repository) throw repositoryNotFound(name, this.registryId);
    return repository;
  }

  async #insert(tx: MetadataTx, name: string, spec: NewRepository, now: Date): Promise<Repository> {
    const repository = await tx.repositories.create(name, spec.settings, now);
    if (spec.tags && spec.tags.length > 0) await tx.resourceTags.put(this.arn(name), spec.tags);
    if (spec.policy === undefined) return repository;
    await tx.repositories.setPolicy(repository.id, spec.policy);
    return { ...repository, policy: spec.policy };
  }
}

/** ECR's RepositoryNotFoundException (and the data plane's NAME_UNKNOWN) message. */
export function repositoryNotFound(name: string, registryId: string): RegistryError {
  return new RegistryError('REPOSITORY_NOT_FOUND', `The repository with name '${name}' does not exist in the registry with id '${registryId}'`);
}

/** The most specific template with appliedFor CREATE_ON_PUSH covering the name (ROOT last). */
async function createOnPushTemplate(tx: MetadataTx, name: string): Promise<CreationTemplate | undefined> {
  for (const prefix of coveringPrefixes(name)) {
    const template = await tx.templates.get(prefix);
    if (template?.appliedFor.includes('CREATE_ON_PUSH')) return template;
  }
  return undefined;
}

function fromTemplate(template: CreationTemplate): NewRepository {
  return {
    settings: {
      ...DEFAULT_REPOSITORY_SETTINGS,
      imageTagMutability: template.imageTagMutability,
      imageTagMutabilityExclusionFilters: template.imageTagMutabilityExclusionFilters,
      encryptionConfiguration: template.encryptionConfiguration ?? DEFAULT_REPOSITORY_SETTINGS.encryptionConfiguration,
    },
    tags: template.resourceTags,
    policy: template.repositoryPolicy,
  };
}
