import { parseReference } from '../../domain/names.js';
import { RegistryError } from '../../errors/registry-error.js';
import { readLimited } from './body.js';
import type { Call, DataPlaneDeps } from './context.js';
import { authorizedRepository, authorizeOperation, pushTarget } from './context.js';

/** end-2/end-3: GET|HEAD /v2/<name>/manifests/<reference> */
export async function getManifest(deps: DataPlaneDeps, call: Call, name: string, ref: string): Promise<unknown> {
  const repository = await authorizedRepository(deps, call, 'pullManifest', name);
  const reference = parseReference(ref);
  const manifest = await deps.manifests.get(repository, reference, call.request.headers.accept);
  if (manifest.storageClass === 'ARCHIVE') {
    // As ECR answers a pull of an archived image: not found, saying why.
    throw new RegistryError('IMAGE_ARCHIVED', `manifest ${ref} in repository ${name} is archived; restore it with UpdateImageStorageClass before pulling it`, {
      detail: { reference: ref, storageClass: 'ARCHIVE' },
    });
  }
  call.reply
    .header('content-type', manifest.mediaType)
    .header('content-length', manifest.size)
    .header('docker-content-digest', manifest.digest)
    .header('etag', `"${manifest.digest}"`);
  if (call.request.method === 'HEAD') return call.reply.send();
  deps.pulls.record(repository.id, manifest.digest);
  return call.reply.send(manifest.content);
}

/** end-7: PUT /v2/<name>/manifests/<reference> */
export async function putManifest(deps: DataPlaneDeps, call: Call, name: string, ref: string): Promise<unknown> {
  await authorizeOperation(deps, call, 'pushManifest', name);
  const reference = parseReference(ref);
  const content = await readLimited(call.request, deps.limits.manifestBytes, 'MANIFEST_TOO_LARGE');
  const repository = await pushTarget(deps, call, name);
  const pushed = await deps.manifests.put(repository, reference, content, call.request.headers['content-type']);
  if (pushed.subject) call.reply.header('oci-subject', pushed.subject);
  return call.reply
    .code(201)
    .header('location', `/v2/${name}/manifests/${pushed.digest}`)
    .header('docker-content-digest', pushed.digest)
    .send();
}

/** end-9: DELETE /v2/<name>/manifests/<reference> (a digest deletes the manifest, a tag only the tag) */
export async function deleteManifest(deps: DataPlaneDeps, call: Call, name: string, ref: string): Promise<unknown> {
  const repository = await authorizedRepository(deps, call, 'deleteManifest', name);
  const reference = parseReference(ref);
  await deps.manifests.delete(repository, reference);
  return call.reply.code(202).send();
}
