import type { Principal } from '../auth/principal.js';
import type { Repository } from '../storage/metadata/metadata-store.js';
import { RegistryError } from '../errors/registry-error.js';

export interface AuthorizationRequest {
  readonly principal: Principal;
  readonly action: string;
  /** Repository name, or undefined for registry-wide actions. */
  readonly repository?: string | undefined;
  /** The caller's address, for aws:SourceIp conditions. */
  readonly sourceIp?: string | undefined;
  /** The repository's record when the caller already read it (null: it does not exist), to spare a lookup. */
  readonly repositoryRecord?: Repository | null | undefined;
}

/** Decides whether a principal may perform an ECR action on a resource (IamAuthorizer implements it). */
export interface Authorizer {
  isAllowed(request: AuthorizationRequest): Promise<boolean>;
}

export async function authorize(authorizer: Authorizer, request: AuthorizationRequest): Promise<void> {
  if (!(await authorizer.isAllowed(request))) {
    throw new RegistryError('DENIED', `not authorized to perform ${request.action}${request.repository ? ` on ${request.repository}` : ''}`);
  }
}
