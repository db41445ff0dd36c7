import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE } from '../../errors/catalogue.js';
import { RegistryError, isRegistryError } from '../../errors/registry-error.js';

/** Fastify's own client errors, mapped onto the catalogue so they reach clients in the spec's envelope. */
const FASTIFY_ERRORS: Readonly<Record<string, RegistryError['code']>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'SIZE_INVALID',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_PARAMETER',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED',
  // Malformed percent-encoding in the path, refused by the router before any route runs.
  FST_ERR_BAD_URL: 'NAME_INVALID',
};

export function toRegistryError(err: unknown): RegistryError {
  if (isRegistryError(err)) return err;
  const code = FASTIFY_ERRORS[(err as FastifyError).code ?? ''];
  if (code) return new RegistryError(code);
  const status = (err as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new RegistryError('INVALID_PARAMETER', (err as Error).message);
  return new RegistryError('INTERNAL', undefined, { cause: err });
}

/** Sends an error in the OCI envelope `{"errors":[{code,message,detail}]}` with the catalogue's status. */
export function sendOciError(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const error = toRegistryError(err);
  const entry = ERROR_CATALOGUE[error.code];
  if (entry.oci.status >= 500) request.log.error({ err: error.cause ?? err, reqId: request.id }, 'request failed');
  const message = entry.oci.status >= 500 ? `${entry.message} (request id ${request.id})` : error.message;
  if (error.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Basic realm="wharf"');
  if (error.code === 'RANGE_NOT_SATISFIABLE' && typeof error.detail === 'object' && error.detail && 'size' in error.detail) {
    reply.header('content-range', `bytes */${String(error.detail.size)}`);
  }
  const body = { errors: [{ code: entry.oci.code, message, ...(error.detail === undefined ? {} : { detail: error.detail }) }] };
  return reply.code(entry.oci.status).header('content-type', 'application/json').send(body);
}
