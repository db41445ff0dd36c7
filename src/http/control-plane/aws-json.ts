import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE } from '../../errors/catalogue.js';
import { toRegistryError } from '../plugins/oci-errors.js';

export const AWS_JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

export function sendAwsJson(reply: FastifyReply, requestId: string, body: unknown): FastifyReply {
  return reply
    .code(200)
    .header('content-type', AWS_JSON_CONTENT_TYPE)
    .header('x-amzn-requestid', requestId)
    .send(JSON.stringify(body ?? {}));
}

/**
 * Errors as the AWS JSON 1.1 protocol carries them: `{"__type": "<ExceptionName>", "message"}`,
 * HTTP 400 for client errors and 500 for ServerException, with `x-amzn-ErrorType`. Members an
 * exception models beyond `message` (InvalidLayerPartException's `lastValidByteReceived`, …)
 * come from the error's `detail.aws`; see {@link awsErrorDetail}.
 */
export function sendAwsJsonError(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const error = toRegistryError(err);
  const entry = ERROR_CATALOGUE[error.code];
  const status = entry.ecr === 'ServerException' ? 500 : 400;
  if (status === 500) request.log.error({ err: error.cause ?? err, reqId: request.id }, 'control-plane request failed');
  const message = status === 500 ? `${entry.message} (request id ${request.id})` : error.message;
  return reply
    .code(status)
    .header('content-type', AWS_JSON_CONTENT_TYPE)
    .header('x-amzn-requestid', request.id)
    .header('x-amzn-errortype', entry.ecr)
    .send(JSON.stringify({ ...(status === 500 ? {} : awsMembersOf(error.detail)), __type: entry.ecr, message }));
}

/** The `detail` of a RegistryError whose ECR exception carries more members than `message`. */
export function awsErrorDetail(members: Readonly<Record<string, string | number>>): { aws: Readonly<Record<string, string | number>> } {
  return { aws: members };
}

function awsMembersOf(detail: unknown): Record<string, unknown> {
  const aws = typeof detail === 'object' && detail !== null ? (detail as { aws?: unknown }).aws : undefined;
  return typeof aws === 'object' && aws !== null && !Array.isArray(aws) ? (aws as Record<string, unknown>) : {};
}
