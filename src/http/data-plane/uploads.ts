import type { FastifyReply } from 'fastify';
import { parseContentRange } from '../../domain/byte-range.js';
import { parseDigest } from '../../domain/digest.js';
import { assertRepositoryName } from '../../domain/names.js';
import { RegistryError } from '../../errors/registry-error.js';
import type { Repository, Upload } from '../../storage/metadata/metadata-store.js';
import type { Chunk } from '../../services/upload-service.js';
import { contentLength, hasBody } from './body.js';
import type { Call, DataPlaneDeps } from './context.js';
import { authorizeOperation, pushTarget } from './context.js';

/**
 * end-4a/4b/11: POST /v2/<name>/blobs/uploads/ — opens an upload session, or with `digest`
 * takes the whole blob in one request, or with `mount`/`from` links a blob the caller may read.
 */
export async function startUpload(deps: DataPlaneDeps, call: Call, name: string): Promise<unknown> {
  assertRepositoryName(name);
  await authorizeOperation(deps, call, 'startUpload', name);
  const mount = call.query.get('mount');
  const from = call.query.get('from');
  if (mount && from) {
    const mounted = await tryMount(deps, call, name, from, mount);
    if (mounted) return mounted;
  }
  const repository = await pushTarget(deps, call, name);
  const upload = await deps.uploads.start(repository);
  const digest = call.query.get('digest');
  if (digest) {
    await authorizeOperation(deps, call, 'completeUpload', name);
    return complete(deps, call, repository, upload, digest);
  }
  return sendUploadStatus(call.reply.code(202), name, upload.id, 0);
}

async function tryMount(deps: DataPlaneDeps, call: Call, name: string, from: string, rawDigest: string): Promise<FastifyReply | undefined> {
  const digest = parseDigest(rawDigest);
  assertRepositoryName(from);
  // The caller must be allowed to read the blob where it is; otherwise it gets an upload session,
  // as if the blob were not there, and learns nothing about the other repository.
  const mayRead = await deps.authorizer.isAllowed({ principal: call.principal, action: 'ecr:GetDownloadUrlForLayer', repository: from });
  if (!mayRead) return undefined;
  const source = await deps.repositories.get(from).catch(() => undefined);
  if (!source) return undefined;
  const target = await pushTarget(deps, call, name);
  if (!(await deps.blobs.mount(target, source, digest))) return undefined;
  return call.reply.code(201).header('location', `/v2/${name}/blobs/${digest}`).header('docker-content-digest', digest).send();
}

/** end-5: PATCH /v2/<name>/blobs/uploads/<id> — a chunk (with Content-Range) or a streamed body. */
export async function patchUpload(deps: DataPlaneDeps, call: Call, name: string, uploadId: string): Promise<unknown> {
  await authorizeOperation(deps, call, 'uploadChunk', name);
  const { upload } = await findUpload(deps, name, uploadId);
  const offset = await deps.uploads.append(upload, chunkOf(call));
  return sendUploadStatus(call.reply.code(202), name, upload.id, offset);
}

/** end-6: PUT /v2/<name>/blobs/uploads/<id>?digest= — optional last chunk, then commit. */
export async function putUpload(deps: DataPlaneDeps, call: Call, name: string, uploadId: string): Promise<unknown> {
  await authorizeOperation(deps, call, 'completeUpload', name);
  const digest = call.query.get('digest');
  if (!digest) throw new RegistryError('DIGEST_INVALID', 'the digest query parameter is required');
  const { repository, upload } = await findUpload(deps, name, uploadId);
  return complete(deps, call, repository, upload, digest);
}

/** end-13: GET /v2/<name>/blobs/uploads/<id> — where a resumed upload continues. */
export async function getUploadStatus(deps: DataPlaneDeps, call: Call, name: string, uploadId: string): Promise<unknown> {
  await authorizeOperation(deps, call, 'uploadChunk', name);
  const { upload } = await findUpload(deps, name, uploadId);
  return sendUploadStatus(call.reply.code(204), name, upload.id, upload.offset);
}

/** DELETE /v2/<name>/blobs/uploads/<id> — cancels the upload. */
export async function cancelUpload(deps: DataPlaneDeps, call: Call, name: string, uploadId: string): Promise<unknown> {
  await authorizeOperation(deps, call, 'uploadChunk', name);
  const { upload } = await findUpload(deps, name, uploadId);
  await deps.uploads.cancel(upload);
  return call.reply.code(204).send();
}

async function complete(deps: DataPlaneDeps, call: Call, repository: Repository, upload: Upload, rawDigest: string): Promise<unknown> {
  const digest = parseDigest(rawDigest);
  const { size } = await deps.uploads.complete(repository, upload, digest, hasBody(call.request) ? chunkOf(call) : undefined);
  return call.reply
    .code(201)
    .header('location', `/v2/${repository.name}/blobs/${digest}`)
    .header('docker-content-digest', digest)
    .header('content-range', `0-${Math.max(size - 1, 0)}`)
    .send();
}

async function findUpload(deps: DataPlaneDeps, name: string, uploadId: string): Promise<{ repository: Repository; upload: Upload }> {
  const repository = await deps.repositories.get(name).catch(() => {
    throw new RegistryError('BLOB_UPLOAD_UNKNOWN');
  });
  return { repository, upload: await deps.uploads.get(repository, uploadId) };
}

function chunkOf(call: Call): Chunk {
  const range = call.request.headers['content-range'];
  return { body: call.request.raw, start: range ? parseContentRange(range).start : undefined, length: contentLength(call.request) };
}

/** Location, Range (`0-<last byte>`, `0-0` when empty, as distribution sends) and the upload id. */
function sendUploadStatus(reply: FastifyReply, name: string, uploadId: string, offset: number): FastifyReply {
  return reply
    .header('location', `/v2/${name}/blobs/uploads/${uploadId}`)
    .header('range', `0-${Math.max(offset - 1, 0)}`)
    .header('docker-upload-uuid', uploadId)
    .header('content-length', 0)
    .send();
}
