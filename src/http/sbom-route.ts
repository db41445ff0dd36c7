import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../auth/authenticator.js';
import type { Clock } from '../domain/clock.js';
import { authorize, type Authorizer } from '../policy/authorizer.js';
import { exportSbom, parseImageReference, parseSbomFormat } from '../scanner/sbom-export.js';
import type { ScanService } from '../scanner/scan-service.js';
import type { MetadataStore } from '../storage/metadata/metadata-store.js';
import { sendOciError } from './plugins/oci-errors.js';

/**
 * `GET /wharf/v1/sbom/<name>@<digest>?format=cyclonedx|spdx` (or `<name>:<tag>`): an image's
 * SBOM, for whoever may pull the image (ecr:BatchGetImage), with the data plane's credentials.
 */
export function registerSbomRoute(
  app: FastifyInstance,
  deps: { metadata: MetadataStore; scanner: () => Promise<ScanService>; clock: Clock; authenticator: Authenticator; authorizer: Authorizer },
): void {
  app.get('/wharf/v1/sbom/*', async (request, reply) => {
    try {
      const principal = await deps.authenticator.authenticateBasic(request.headers.authorization);
      const reference = decodeURIComponent((request.params as { '*': string })['*']);
      const format = parseSbomFormat((request.query as Record<string, string | undefined>).format);
      await authorize(deps.authorizer, { principal, action: 'ecr:BatchGetImage', repository: parseImageReference(reference).name, sourceIp: request.ip });
      const document = await exportSbom({ metadata: deps.metadata, scanner: await deps.scanner(), clock: deps.clock }, reference, format);
      return reply.type(format === 'spdx' ? 'application/spdx+json' : 'application/vnd.cyclonedx+json').send(JSON.stringify(document));
    } catch (err) {
      return sendOciError(request, reply, err);
    }
  });
}
