import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.js';
import type { Config } from '../../config/schema.js';
import { authorize, type Authorizer } from '../../policy/authorizer.js';
import { DATA_PLANE_ACTIONS, type DataPlaneOperation } from '../../policy/action-map.js';
import type { BlobService } from '../../services/blob-service.js';
import type { ManifestService } from '../../services/manifest-service.js';
import type { PullRecorder } from '../../services/pull-recorder.js';
import type { RepositoryService } from '../../services/repository-service.js';
import type { UploadService } from '../../services/upload-service.js';
import type { Repository } from '../../storage/metadata/metadata-store.js';

/** What the data-plane handlers need, handed over by buildApp (no globals, no request bag). */
export interface DataPlaneDeps {
  readonly repositories: RepositoryService;
  readonly blobs: BlobService;
  readonly uploads: UploadService;
  readonly manifests: ManifestService;
  /** Manifest GETs are recorded as pulls, off the request path. */
  readonly pulls: PullRecorder;
  readonly authorizer: Authorizer;
  readonly limits: Config['limits'];
}

export interface Call {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly principal: Principal;
  readonly query: URLSearchParams;
}

/** Authorises the ECR action behind a data-plane operation on a repository (DENIED otherwise). */
export function authorizeOperation(deps: DataPlaneDeps, call: Call, operation: DataPlaneOperation, repository?: string): Promise<void> {
  return authorize(deps.authorizer, { principal: call.principal, action: DATA_PLANE_ACTIONS[operation], repository, sourceIp: call.request.ip });
}

/**
 * Authorises `operation` on an existing repository and returns it, reading it once for both.
 * A missing repository is reported only after authorisation, so callers learn nothing of names
 * they may not use.
 */
export async function authorizedRepository(deps: DataPlaneDeps, call: Call, operation: DataPlaneOperation, name: string): Promise<Repository> {
  const repository = await deps.repositories.find(name);
  await authorize(deps.authorizer, {
    principal: call.principal,
    action: DATA_PLANE_ACTIONS[operation],
    repository: name,
    sourceIp: call.request.ip,
    repositoryRecord: repository ?? null,
  });
  if (!repository) throw deps.repositories.notFound(name);
  return repository;
}

/** The repository a push goes to; creating it on the way needs ecr:CreateRepository too. */
export function pushTarget(deps: DataPlaneDeps, call: Call, name: string): Promise<Repository> {
  return deps.repositories.forPush(name, { authorizeCreate: () => authorizeOperation(deps, call, 'createRepository', name) });
}
