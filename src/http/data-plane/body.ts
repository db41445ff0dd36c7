import type { FastifyRequest } from 'fastify';
import { RegistryError } from '../../errors/registry-error.js';

/** Content-Length as a number, or undefined when absent (chunked transfer). */
export function contentLength(request: FastifyRequest): number | undefined {
  const header = request.headers['content-length'];
  if (header === undefined) return undefined;
  if (!/^\d+$/.test(header)) throw new RegistryError('SIZE_INVALID', 'Content-Length is not a number');
  return Number(header);
}

/** Whether the request carries a body (a positive length or chunked encoding). */
export function hasBody(request: FastifyRequest): boolean {
  const length = contentLength(request);
  return length === undefined ? request.headers['transfer-encoding'] !== undefined : length > 0;
}

/** Reads a small body (a manifest) into memory, refusing more than `limit` bytes without reading them all. */
export async function readLimited(request: FastifyRequest, limit: number, code: RegistryError['code']): Promise<Buffer> {
  const declared = contentLength(request);
  if (declared !== undefined && declared > limit) throw new RegistryError(code, `body of ${declared} bytes exceeds the limit of ${limit}`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request.raw) {
    total += (chunk as Buffer).length;
    // Past the limit the rest is read and dropped, not kept: leaving the loop early destroys the
    // request, which leaves the client's keep-alive connection hanging on its next request.
    if (total <= limit) chunks.push(chunk as Buffer);
  }
  if (total > limit) throw new RegistryError(code, `body exceeds the limit of ${limit} bytes`);
  return Buffer.concat(chunks, total);
}
