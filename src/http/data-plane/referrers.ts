import { parseDigest } from '../../domain/digest.js';
import { OCI_INDEX } from '../../domain/media-types.js';
import type { Call, DataPlaneDeps } from './context.js';
import { authorizedRepository } from './context.js';

/** end-12a/12b: GET /v2/<name>/referrers/<digest>[?artifactType=] */
export async function listReferrers(deps: DataPlaneDeps, call: Call, name: string, rawDigest: string): Promise<unknown> {
  const repository = await authorizedRepository(deps, call, 'listReferrers', name);
  const subject = parseDigest(rawDigest);
  const artifactType = call.query.get('artifactType') ?? undefined;
  const index = await deps.manifests.referrers(repository, subject, artifactType);
  if (artifactType) call.reply.header('oci-filters-applied', 'artifactType');
  // A Buffer, not a string: Fastify would append `; charset=utf-8`, and clients (the spec's
  // conformance suite among them) compare the media type exactly.
  return call.reply.header('content-type', OCI_INDEX).send(Buffer.from(JSON.stringify(index)));
}
