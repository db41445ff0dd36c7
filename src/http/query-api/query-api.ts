import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE } from '../../errors/catalogue.js';
import { RegistryError } from '../../errors/registry-error.js';
import type { IamCaller } from '../../services/iam-service.js';
import type { QueryApi } from '../control-plane/dispatcher.js';
import { toRegistryError } from '../plugins/oci-errors.js';
import { QueryParams } from './params.js';
import { errorXml, resultXml, type XmlObject } from './xml.js';

/** One action: reads its parameters, acts for the caller, and returns its Result members (undefined: no Result element). */
export type QueryAction = (params: QueryParams, caller: IamCaller) => Promise<XmlObject | undefined>;

export interface QueryApiSpec {
  /** The SigV4 service name, e.g. `iam`. */
  readonly service: string;
  /** The API version clients send, e.g. `2010-05-08`. */
  readonly version: string;
  /** The XML namespace of responses, e.g. `https://iam.amazonaws.com/doc/2010-05-08/`. */
  readonly namespace: string;
  readonly actions: Readonly<Record<string, QueryAction>>;
}

/** A QueryApi from a table of actions: the `Action` parameter picks one, the response is `<ActionResponse>` XML. */
export function createQueryApi(spec: QueryApiSpec): QueryApi {
  const actions = new Map(Object.entries(spec.actions));
  return {
    service: spec.service,
    async handle(params, principal, request, reply) {
      const name = params.get('Action') ?? '';
      const version = params.get('Version');
      const action = actions.get(name);
      if (!action || (version !== null && version !== spec.version)) {
        throw new RegistryError('UNKNOWN_OPERATION', `Could not find operation ${name.slice(0, 100)} for version ${(version ?? 'NO_VERSION_SPECIFIED').slice(0, 20)}`);
      }
      const result = await action(new QueryParams(params), { principal, sourceIp: request.ip });
      return sendXml(reply, request.id, 200, resultXml(name, spec.namespace, result, request.id));
    },
    sendError(request, reply, err) {
      return sendQueryError(spec.namespace, request, reply, err);
    },
  };
}

/** The error envelope with the catalogue's IAM code and status; unexpected failures are logged, never described. */
function sendQueryError(namespace: string, request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const error = toRegistryError(err);
  const mapped = ERROR_CATALOGUE[error.code].iam;
  const wire = mapped ?? ERROR_CATALOGUE.INTERNAL.iam!;
  const internal = wire.status >= 500;
  if (internal) request.log.error({ err: error.cause ?? err, reqId: request.id }, 'query API request failed');
  const message = internal ? `${ERROR_CATALOGUE.INTERNAL.message} (request id ${request.id})` : error.message;
  const body = errorXml(namespace, { type: internal ? 'Receiver' : 'Sender', code: wire.code, message }, request.id);
  return sendXml(reply, request.id, wire.status, body);
}

function sendXml(reply: FastifyReply, requestId: string, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-type', 'text/xml').header('x-amzn-requestid', requestId).send(body);
}
