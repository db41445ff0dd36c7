import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Authenticator } from '../../auth/authenticator.js';
import type { Principal } from '../../auth/principal.js';
import { RegistryError } from '../../errors/registry-error.js';
import { sendOciError } from '../plugins/oci-errors.js';
import type { RateLimiter } from '../plugins/rate-limiter.js';
import type { ActionContext, ControlPlaneServices, EcrAction } from './action.js';
import { sendAwsJson, sendAwsJsonError } from './aws-json.js';

const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

/** A Query-protocol API (IAM, STS) served on the same endpoint, chosen by the signature's service. */
export interface QueryApi {
  readonly service: string;
  handle(params: URLSearchParams, principal: Principal, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
  sendError(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply;
}

export interface ControlPlaneOptions {
  readonly actions: readonly EcrAction[];
  readonly queryApis: readonly QueryApi[];
  readonly services: ControlPlaneServices;
  readonly authenticator: Authenticator;
  readonly limiter: RateLimiter;
  readonly failedAuthLimiter: RateLimiter;
}

/**
 * `POST /` for the AWS protocols: ECR's JSON 1.1 (`X-Amz-Target`) and the Query APIs (form
 * bodies). The raw body is kept as bytes, because SigV4 signs the exact payload.
 */
export async function registerControlPlane(app: FastifyInstance, options: ControlPlaneOptions): Promise<void> {
  await app.register(async (scope) => {
    const limit = options.services.config.limits.jsonBodyBytes;
    // Most actions take `limit`; one may take more (UploadLayerPart), so the parser admits the
    // largest, a Content-Length beyond the named action's limit is refused before reading, and
    // the handler checks the bytes read (chunked bodies) against the action's own limit.
    const bodyLimits = new Map(options.actions.map((a) => [`${TARGET_PREFIX}${a.name}`, a.bodyLimit ?? limit]));
    const bodyLimitFor = (request: FastifyRequest): number => bodyLimits.get(String(request.headers['x-amz-target'])) ?? limit;
    const tooLarge = (max: number) => new RegistryError('BODY_TOO_LARGE', `the request body exceeds the limit of ${max} bytes for this operation`);
    // Failures before the handler (body limits, malformed lengths) in the caller's protocol.
    scope.setErrorHandler((err, request, reply) =>
      request.headers['x-amz-target'] === undefined ? sendOciError(request, reply, err) : sendAwsJsonError(request, reply, err),
    );
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: Math.max(limit, ...bodyLimits.values()) }, (_request, body, done) => done(null, body));
    scope.addHook('preParsing', async (request, _reply, payload) => {
      const max = bodyLimitFor(request);
      if (Number(request.headers['content-length']) > max) throw tooLarge(max);
      return payload;
    });

    const actions = compileActions(options.actions);
    const queryApis = new Map(options.queryApis.map((api) => [api.service, api]));

    scope.post('/', async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const target = request.headers['x-amz-target'];
      if (typeof target !== 'string') return handleQuery(request, reply, body);
      try {
        const principal = await authenticate(request, body, 'ecr');
        if (!target.startsWith(TARGET_PREFIX)) throw new RegistryError('UNKNOWN_OPERATION', `unknown operation ${target.slice(0, 200)}`);
        const name = target.slice(TARGET_PREFIX.length);
        const action = actions.get(name);
        if (!action) throw new RegistryError('UNKNOWN_OPERATION', `unknown operation ${name.slice(0, 200)}`);
        if (body.length > bodyLimitFor(request)) throw tooLarge(bodyLimitFor(request));
        const input = parseInput(body, action);
        const context = actionContext(request, principal);
        await authorizeAction(context, action.action, input);
        return sendAwsJson(reply, request.id, await action.action.handle(input, context));
      } catch (err) {
        return sendAwsJsonError(request, reply, err);
      }
    });

    async function handleQuery(request: FastifyRequest, reply: FastifyReply, body: Buffer): Promise<FastifyReply> {
      // The Query APIs sign with their own service name (iam, sts); pick the API by it.
      const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([a-z0-9-]+)\//.exec(request.headers.authorization ?? '')?.[1];
      const api = (service && queryApis.get(service)) || queryApis.values().next().value;
      if (!api) return sendAwsJsonError(request, reply, new RegistryError('UNKNOWN_OPERATION', 'missing X-Amz-Target'));
      try {
        const principal = await authenticate(request, body, api.service);
        return await api.handle(new URLSearchParams(body.toString('utf8')), principal, request, reply);
      } catch (err) {
        return api.sendError(request, reply, err);
      }
    }
  });

  async function authenticate(request: FastifyRequest, body: Buffer, service: string): Promise<Principal> {
    const now = options.services.clock.now().getTime();
    let principal: Principal;
    try {
      const result = await options.authenticator.authenticateSigV4({ method: request.method, url: request.raw.url ?? '/', headers: request.headers, body });
      if (result.service !== service) throw new RegistryError('INVALID_SIGNATURE', `credential scope names service ${result.service}, not ${service}`);
      principal = result.principal;
    } catch (err) {
      if (!options.failedAuthLimiter.take(request.ip, now)) throw new RegistryError('TOO_MANY_REQUESTS', 'Rate exceeded');
      throw err;
    }
    if (!options.limiter.take(principal.arn, now)) throw new RegistryError('TOO_MANY_REQUESTS', 'Rate exceeded');
    return principal;
  }

  function actionContext(request: FastifyRequest, principal: Principal): ActionContext {
    const { publicUrl } = options.services.config;
    const registryUrl = publicUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.headers.host ?? options.services.config.listen}`;
    return { principal, sourceIp: request.ip, registryUrl, registryHost: new URL(registryUrl).host, services: options.services };
  }

  async function authorizeAction(context: ActionContext, action: EcrAction, input: unknown): Promise<void> {
    const repository = action.resource(input as never);
    const allowed = await options.services.authorizer.isAllowed({ principal: context.principal, action: action.iamAction, repository, sourceIp: context.sourceIp });
    if (!allowed) {
      const { region, accountId } = options.services.config;
      const resource = repository === undefined ? '*' : `arn:aws:ecr:${region}:${accountId}:repository/${repository}`;
      throw new RegistryError(
        'DENIED',
        `User: ${context.principal.arn} is not authorized to perform: ${action.iamAction} on resource: ${resource} because no identity-based policy allows the ${action.iamAction} action`,
      );
    }
  }
}

interface CompiledAction {
  readonly action: EcrAction;
  readonly validate: ValidateFunction;
}

function compileActions(actions: readonly EcrAction[]): Map<string, CompiledAction> {
  const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false, useDefaults: false });
  return new Map(actions.map((action) => [action.name, { action, validate: ajv.compile(action.input) }]));
}

function parseInput(body: Buffer, compiled: CompiledAction): unknown {
  let input: unknown;
  try {
    input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw new RegistryError('SERIALIZATION', 'the request body is not valid JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new RegistryError('SERIALIZATION', 'the request body must be a JSON object');
  if (!compiled.validate(input)) {
    const error = compiled.validate.errors?.[0];
    const at = error?.instancePath ? error.instancePath.slice(1).replaceAll('/', '.') : String(error?.params?.additionalProperty ?? error?.params?.missingProperty ?? 'input');
    throw new RegistryError('INVALID_PARAMETER', `Invalid parameter at '${at}' failed to satisfy constraint: '${error?.message ?? 'invalid'}'`);
  }
  return input;
}
