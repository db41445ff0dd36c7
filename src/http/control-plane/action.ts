import type { Static, TSchema } from '@sinclair/typebox';
import type { Principal } from '../../auth/principal.js';
import type { Config } from '../../config/schema.js';
import type { Clock } from '../../domain/clock.js';
import type { RegistryKey } from '../../crypto/registry-key.js';
import type { Authorizer } from '../../policy/authorizer.js';
import type { BlobService } from '../../services/blob-service.js';
import type { ManifestService } from '../../services/manifest-service.js';
import type { PullRecorder } from '../../services/pull-recorder.js';
import type { RepositoryService } from '../../services/repository-service.js';
import type { UploadService } from '../../services/upload-service.js';
import type { BlobStore } from '../../storage/blob/blob-store.js';
import type { MetadataStore } from '../../storage/metadata/metadata-store.js';

/** What control-plane actions may use, handed over by buildApp. */
export interface ControlPlaneServices {
  readonly config: Config;
  readonly clock: Clock;
  readonly metadata: MetadataStore;
  readonly blobStore: BlobStore;
  readonly repositories: RepositoryService;
  readonly blobs: BlobService;
  readonly uploads: UploadService;
  readonly manifests: ManifestService;
  /** BatchGetImage records pulls here, as the data plane's manifest GET does. */
  readonly pulls: PullRecorder;
  readonly authorizer: Authorizer;
  readonly registryKey: RegistryKey;
}

/** One call's context: who calls, from where, and how clients reach this registry. */
export interface ActionContext {
  readonly principal: Principal;
  readonly sourceIp: string;
  /** `host:port` clients use for the data plane (repositoryUri, proxyEndpoint). */
  readonly registryHost: string;
  /** `http://host:port` or `https://…`: the data plane's base URL. */
  readonly registryUrl: string;
  readonly services: ControlPlaneServices;
}

/**
 * One ECR action: its request schema (validated before the handler runs), the IAM action that
 * authorises it, the repository it acts on (undefined: registry-wide), and the handler.
 */
export interface EcrAction<S extends TSchema = TSchema> {
  readonly name: string;
  readonly iamAction: string;
  readonly input: S;
  /** Largest request body the action takes (default `limits.jsonBodyBytes`): UploadLayerPart carries a layer part in base64. */
  readonly bodyLimit?: number;
  resource(input: Static<S>): string | undefined;
  handle(input: Static<S>, context: ActionContext): Promise<unknown>;
}

/** Declares an action with its input type inferred from the schema. */
export function defineAction<S extends TSchema>(action: EcrAction<S>): EcrAction {
  return action as unknown as EcrAction;
}

/** ECR timestamps are epoch seconds on the wire. */
export function epochSeconds(date: Date | undefined): number | undefined {
  return date === undefined ? undefined : date.getTime() / 1000;
}
