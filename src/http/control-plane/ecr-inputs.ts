import { Type } from '@sinclair/typebox';
import { isRegistryError, RegistryError } from '../../errors/registry-error.js';
import type { Repository } from '../../storage/metadata/metadata-store.js';
import type { ActionContext } from './action.js';

/** Request members most ECR actions share, with the model's constraints. */
export const RegistryIdSchema = Type.String({ pattern: '^[0-9]{12}$' });
/** Length here; the name grammar is checked by the repository service (InvalidParameterException). */
export const RepositoryNameSchema = Type.String({ minLength: 2, maxLength: 256 });

/** The repository an action addresses, or RepositoryNotFoundException worded as ECR words it. */
/** The resource of an action on one repository: its name (what IAM policies and ARNs name). */
export const repositoryOf = (input: { repositoryName: string }): string => input.repositoryName;

export async function findRepository(context: ActionContext, input: { registryId?: string | undefined; repositoryName: string }): Promise<Repository> {
  const registryId = input.registryId ?? context.services.config.accountId;
  const notFound = () =>
    new RegistryError('REPOSITORY_NOT_FOUND', `The repository with name '${input.repositoryName}' does not exist in the registry with id '${registryId}'`);
  if (registryId !== context.services.config.accountId) throw notFound();
  try {
    return await context.services.repositories.get(input.repositoryName);
  } catch (err) {
    throw isRegistryError(err) && err.code === 'REPOSITORY_NOT_FOUND' ? notFound() : err;
  }
}

/** The registry id responses carry: this registry's account. */
export function registryIdOf(context: ActionContext): string {
  return context.services.config.accountId;
}
