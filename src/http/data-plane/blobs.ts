import { parseRangeHeader } from '../../domain/byte-range.js';
import { parseDigest } from '../../domain/digest.js';
import { RegistryError, isRegistryError } from '../../errors/registry-error.js';
import type { Call, DataPlaneDeps } from './context.js';
import { authorizedRepository } from './context.js';

/** end-2 (blob)/end-3: GET|HEAD /v2/<name>/blobs/<digest>, with Range support on GET. */
export async function getBlob(deps: DataPlaneDeps, call: Call, name: string, rawDigest: string): Promise<unknown> {
  const head = call.request.method === 'HEAD';
  const repository = await authorizedRepository(deps, call, head ? 'checkBlob' : 'pullBlob', name);
  const digest = parseDigest(rawDigest);
  const blob = await deps.blobs.stat(repository, digest);
  call.reply
    .header('docker-content-digest', digest)
    .header('etag', `"${digest}"`)
    .header('accept-ranges', 'bytes')
    .header('content-type', 'application/octet-stream');
  if (head) return call.reply.header('content-length', blob.size).send();

  let range;
  try {
    range = parseRangeHeader(call.request.headers.range, blob.size);
  } catch (err) {
    if (isRegistryError(err)) throw new RegistryError(err.code, err.message, { detail: { size: blob.size } });
    throw err;
  }
  const stream = await deps.blobs.open(digest, range);
  if (range) {
    call.reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${blob.size}`);
    return call.reply.header('content-length', range.end - range.start + 1).send(stream);
  }
  return call.reply.header('content-length', blob.size).send(stream);
}

/** end-10: DELETE /v2/<name>/blobs/<digest> */
export async function deleteBlob(deps: DataPlaneDeps, call: Call, name: string, rawDigest: string): Promise<unknown> {
  const repository = await authorizedRepository(deps, call, 'deleteBlob', name);
  const digest = parseDigest(rawDigest);
  await deps.blobs.unlink(repository, digest);
  return call.reply.code(202).header('docker-content-digest', digest).send();
}
