import type { Clock } from '../domain/clock.js';
import { assertRepositoryName } from '../domain/names.js';
import { RegistryError } from '../errors/registry-error.js';
import type { MetadataStore, PageRequest, Repository } from '../storage/metadata/metadata-store.js';

/** Repository lookup and creation. Repositories are created on first push (ECR's explicit creation comes later). */
export class RepositoryService {
  constructor(private readonly options: { metadata: MetadataStore; clock: Clock }) {}

  /** The repository, or REPOSITORY_NOT_FOUND. */
  async get(name: string): Promise<Repository> {
    assertRepositoryName(name);
    const repository = await this.options.metadata.read((tx) => tx.repositories.get(name));
    if (!repository) throw new RegistryError('REPOSITORY_NOT_FOUND', `repository ${name} not found`);
    return repository;
  }

  /** The repository a push goes to, created if it does not exist yet. */
  async forPush(name: string): Promise<Repository> {
    assertRepositoryName(name);
    const existing = await this.options.metadata.read((tx) => tx.repositories.get(name));
    return existing ?? this.options.metadata.write((tx) => tx.repositories.ensure(name, this.options.clock.now()));
  }

  async listNames(page: PageRequest): Promise<string[]> {
    return this.options.metadata.read((tx) => tx.repositories.listNames(page));
  }
}
