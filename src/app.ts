import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { Authenticator } from './auth/authenticator.js';
import type { RootCredentials } from './auth/root-credentials.js';
import type { RegistryKey } from './crypto/registry-key.js';
import type { Config } from './config/schema.js';
import type { Clock } from './domain/clock.js';
import { RegistryError } from './errors/registry-error.js';
import { ECR_ACTIONS } from './http/control-plane/actions/index.js';
import { registerControlPlane } from './http/control-plane/dispatcher.js';
import { registerDataPlane } from './http/data-plane/routes.js';
import { iamQueryApi } from './http/query-api/iam.js';
import { stsQueryApi } from './http/query-api/sts.js';
import { RateLimiter } from './http/plugins/rate-limiter.js';
import { answerClientError, sendOciError } from './http/plugins/oci-errors.js';
import type { Authorizer } from './policy/authorizer.js';
import { BlobService } from './services/blob-service.js';
import { IamService } from './services/iam-service.js';
import { ManifestService } from './services/manifest-service.js';
import { enqueueScansOnPush, lazyScanService } from './scanner/scan-queue.js';
import { registerSbomRoute } from './http/sbom-route.js';
import { PullRecorder } from './services/pull-recorder.js';
import { RepositoryService } from './services/repository-service.js';
import { UploadService } from './services/upload-service.js';
import type { BlobStore } from './storage/blob/blob-store.js';
import type { MetadataStore } from './storage/metadata/metadata-store.js';

export interface AppDeps {
  readonly metadata: MetadataStore;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  readonly root: RootCredentials;
  readonly registryKey: RegistryKey;
  readonly authorizer: Authorizer;
}

/** Failed authentications are limited hard per address, so credentials cannot be guessed quickly. */
const FAILED_AUTH_PER_SECOND = 10;

/** Builds the HTTP application without listening, so tests and `serve` share it. */
export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.log.level,
      // Credentials never reach the log, whatever a future log line includes.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'],
    },
    // Per-request access logs cost more than the HEAD they describe; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.limits.jsonBodyBytes,
    http: { maxHeaderSize: config.limits.maxHeaderBytes },
    clientErrorHandler: answerClientError,
    // Uploads of tens of GiB may take long: no total request deadline, but an idle socket is closed.
    requestTimeout: 0,
    connectionTimeout: 5 * 60_000,
    keepAliveTimeout: 75_000,
    // The data plane's wildcard carries the whole path (name + digest).
    routerOptions: { maxParamLength: 2048 },
    exposeHeadRoutes: false,
    // AWS clients expect request ids shaped like AWS's own.
    genReqId: () => randomUUID(),
    // Paths the router cannot decode (`%zz`) are answered like any other error, not in Fastify's shape.
    frameworkErrors: (error, request, reply) => {
      if (request.url.startsWith('/v2')) reply.header('docker-distribution-api-version', 'registry/2.0');
      return sendOciError(request, reply, error);
    },
  });

  // Data-plane bodies stream straight from the socket: no parser buffers them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  const stores = { metadata: deps.metadata, blobs: deps.blobs, clock: deps.clock };
  const authenticator = new Authenticator({ ...deps, accountId: config.accountId });
  const limiter = new RateLimiter(config.limits.requestsPerSecondPerClient);
  const failedAuthLimiter = new RateLimiter(FAILED_AUTH_PER_SECOND, 50);
  const repositories = new RepositoryService({ ...stores, config });
  const blobs = new BlobService(stores);
  const uploads = new UploadService({ ...stores, maxBlobBytes: config.limits.maxBlobBytes });
  const manifests = new ManifestService({ ...stores, onStored: enqueueScansOnPush });
  const iam = new IamService({ metadata: deps.metadata, clock: deps.clock, registryKey: deps.registryKey, accountId: config.accountId });
  const pulls = new PullRecorder({ ...stores, onError: (err) => app.log.warn({ err }, 'recording pull times failed; will retry') });
  // Runs before the caller closes the stores (main.ts closes the app first).
  app.addHook('onClose', () => pulls.close());

  registerDataPlane(app, {
    deps: { repositories, blobs, uploads, manifests, pulls, authorizer: deps.authorizer, limits: config.limits },
    authenticator,
    clock: deps.clock,
    limiter,
    failedAuthLimiter,
  });
  await registerControlPlane(app, {
    actions: ECR_ACTIONS,
    queryApis: [iamQueryApi(iam), stsQueryApi(iam)],
    services: {
      config,
      clock: deps.clock,
      metadata: deps.metadata,
      blobStore: deps.blobs,
      repositories,
      blobs,
      uploads,
      manifests,
      pulls,
      authorizer: deps.authorizer,
      registryKey: deps.registryKey,
    },
    authenticator,
    limiter,
    failedAuthLimiter,
  });

  registerSbomRoute(app, { metadata: deps.metadata, scanner: lazyScanService(stores), clock: deps.clock, authenticator, authorizer: deps.authorizer });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    // Every /v2 path is routed for the data plane's methods, so what lands here is another method.
    if (path === '/v2' || path.startsWith('/v2/')) {
      reply.header('docker-distribution-api-version', 'registry/2.0');
      return sendOciError(request, reply, new RegistryError('UNSUPPORTED', `${request.method} is not supported on this endpoint`));
    }
    return reply.code(404).send({ message: `no route for ${request.method} ${path}` });
  });
  app.setErrorHandler((err, request, reply) => sendOciError(request, reply, err));
  return app;
}
