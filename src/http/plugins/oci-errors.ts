import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
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
  discardUnreadBody(request.raw);
  return reply.code(entry.oci.status).header('content-type', 'application/json').send(body);
}

/**
 * Requests Node's parser refuses before any route runs (a header block past
 * `limits.maxHeaderBytes`, malformed HTTP): answered in the spec's envelope, then the connection
 * is closed, since the parser cannot continue on it.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const error = err.code === 'HPE_HEADER_OVERFLOW' ? new RegistryError('HEADERS_TOO_LARGE') : new RegistryError('INVALID_PARAMETER', 'malformed HTTP request');
    const { oci } = ERROR_CATALOGUE[error.code];
    const body = JSON.stringify({ errors: [{ code: oci.code, message: error.message }] });
    socket.write(
      `HTTP/1.1 ${oci.status} ${STATUS_CODES[oci.status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroySoon();
}

/** Unread body bytes dropped after an error answer before the connection is cut instead. */
const DISCARD_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * After an error answered before the body was read to its end (a 401 on a PUT, a blob past the
 * size limit), reads and drops the rest, so the client sees the answer and its keep-alive
 * connection serves the next request; a body far larger than that is cut off by closing the
 * connection. A handler that stopped part-way may have left its iterator's 'readable' listener,
 * which keeps the stream from flowing: it goes.
 */
function discardUnreadBody(raw: IncomingMessage): void {
  if (raw.complete || raw.destroyed) return;
  let discarded = 0;
  raw.removeAllListeners('readable');
  raw.on('data', (data: Buffer) => {
    discarded += data.length;
    if (discarded > DISCARD_LIMIT_BYTES) raw.socket.destroy();
  });
  raw.resume();
}
