import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.js';
import type { Clock } from '../../domain/clock.js';
import { RegistryError } from '../../errors/registry-error.js';
import type { RateLimiter } from '../plugins/rate-limiter.js';
import { sendOciError } from '../plugins/oci-errors.js';
import { deleteBlob, getBlob } from './blobs.js';
import type { Call, DataPlaneDeps } from './context.js';
import { listCatalog, listTags } from './listings.js';
import { deleteManifest, getManifest, putManifest } from './manifests.js';
import { listReferrers } from './referrers.js';
import { parseDataPlanePath, type DataPlaneRoute } from './route-parser.js';
import { cancelUpload, getUploadStatus, patchUpload, putUpload, startUpload } from './uploads.js';

type Handler = (deps: DataPlaneDeps, call: Call, route: DataPlaneRoute) => Promise<unknown>;

/** (endpoint, method) → handler: the whole OCI Distribution surface in one table. */
const HANDLERS: Readonly<Record<DataPlaneRoute['endpoint'], Partial<Record<string, Handler>>>> = {
  base: { GET: async () => ({}), HEAD: async () => ({}) },
  catalog: { GET: (d, c) => listCatalog(d, c) },
  tags: { GET: (d, c, r) => listTags(d, c, (r as { name: string }).name) },
  manifest: {
    GET: (d, c, r) => withRef(r, (n, ref) => getManifest(d, c, n, ref)),
    HEAD: (d, c, r) => withRef(r, (n, ref) => getManifest(d, c, n, ref)),
    PUT: (d, c, r) => withRef(r, (n, ref) => putManifest(d, c, n, ref)),
    DELETE: (d, c, r) => withRef(r, (n, ref) => deleteManifest(d, c, n, ref)),
  },
  blob: {
    GET: (d, c, r) => withRef(r, (n, digest) => getBlob(d, c, n, digest)),
    HEAD: (d, c, r) => withRef(r, (n, digest) => getBlob(d, c, n, digest)),
    DELETE: (d, c, r) => withRef(r, (n, digest) => deleteBlob(d, c, n, digest)),
  },
  uploads: { POST: (d, c, r) => startUpload(d, c, (r as { name: string }).name) },
  upload: {
    GET: (d, c, r) => withRef(r, (n, id) => getUploadStatus(d, c, n, id)),
    PATCH: (d, c, r) => withRef(r, (n, id) => patchUpload(d, c, n, id)),
    PUT: (d, c, r) => withRef(r, (n, id) => putUpload(d, c, n, id)),
    DELETE: (d, c, r) => withRef(r, (n, id) => cancelUpload(d, c, n, id)),
  },
  referrers: { GET: (d, c, r) => withRef(r, (n, digest) => listReferrers(d, c, n, digest)) },
};

/** Hands a route's name and its one path argument (reference, digest or upload id) to a handler. */
function withRef(route: DataPlaneRoute, fn: (name: string, arg: string) => Promise<unknown>): Promise<unknown> {
  const r = route as { name: string; reference?: string; digest?: string; uploadId?: string };
  return fn(r.name, (r.reference ?? r.digest ?? r.uploadId)!);
}

/** Clients may percent-encode (e.g. `sha256%3A…`); the grammars then judge the decoded text. */
function decodePath(rest: string): string {
  try {
    return decodeURIComponent(rest);
  } catch {
    throw new RegistryError('NAME_INVALID', 'the request path is not valid percent-encoding');
  }
}

export interface DataPlaneOptions {
  readonly deps: DataPlaneDeps;
  readonly authenticator: Authenticator;
  readonly clock: Clock;
  /** Requests per principal. */
  readonly limiter: RateLimiter;
  /** Failed authentications per client address. */
  readonly failedAuthLimiter: RateLimiter;
}

export function registerDataPlane(app: FastifyInstance, options: DataPlaneOptions): void {
  const { limiter: perPrincipal, failedAuthLimiter: failedAuth } = options;

  const handle = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    reply.header('docker-distribution-api-version', 'registry/2.0');
    try {
      const url = request.raw.url ?? '/';
      const queryAt = url.indexOf('?');
      const path = queryAt < 0 ? url : url.slice(0, queryAt);
      const query = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
      const nowMs = options.clock.now().getTime();
      const principal = await options.authenticator.authenticateBasic(request.headers.authorization).catch((err: unknown) => {
        throw failedAuth.take(request.ip, nowMs) ? err : new RegistryError('TOO_MANY_REQUESTS');
      });
      if (!perPrincipal.take(principal.arn, nowMs)) throw new RegistryError('TOO_MANY_REQUESTS');
      const route = parseDataPlanePath(decodePath(path.slice('/v2/'.length)));
      if (!route) throw new RegistryError('NAME_INVALID', `no registry endpoint at ${path.slice(0, 300)}`);
      const handler = HANDLERS[route.endpoint][request.method];
      if (!handler) throw new RegistryError('UNSUPPORTED', `${request.method} is not supported on this endpoint`);
      // A handler either replies itself (a FastifyReply is a thenable: awaiting it waits for the
      // response to finish) or returns a body to send.
      const result = await handler(options.deps, { request, reply, principal, query }, route);
      return reply.sent ? reply : reply.send(result);
    } catch (err) {
      return sendOciError(request, reply, err);
    }
  };

  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
  app.route({ method: [...methods], url: '/v2', handler: handle });
  app.route({ method: [...methods], url: '/v2/*', handler: handle });
}
