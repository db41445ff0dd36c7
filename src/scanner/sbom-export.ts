import type { Clock } from '../domain/clock.js';
import { parseDigest, type Digest } from '../domain/digest.js';
import { RegistryError } from '../errors/registry-error.js';
import type { MetadataStore } from '../storage/metadata/metadata-store.js';
import type { ScanService } from './scan-service.js';
import { toCycloneDx, toSpdx } from './sbom.js';

/**
 * An image's SBOM as CycloneDX 1.5 or SPDX 2.3 JSON, for `wharf sbom` and the HTTP endpoint:
 * the stored SBOM, or one cataloged now when the image was never scanned.
 */

export type SbomFormat = 'cyclonedx' | 'spdx';

export function parseSbomFormat(value: string | undefined | null): SbomFormat {
  if (value === undefined || value === null || value === '' || value === 'cyclonedx') return 'cyclonedx';
  if (value === 'spdx') return 'spdx';
  throw new RegistryError('INVALID_PARAMETER', `unknown SBOM format "${value}": use cyclonedx or spdx`);
}

/** `name@sha256:…` or `name:tag` (the last `:` after the last `/`). */
export function parseImageReference(ref: string): { name: string; digest?: Digest; tag?: string } {
  const at = ref.indexOf('@');
  if (at > 0) return { name: ref.slice(0, at), digest: parseDigest(ref.slice(at + 1)) };
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { name: ref, tag: 'latest' };
}

export async function exportSbom(
  deps: { readonly metadata: MetadataStore; readonly scanner: ScanService; readonly clock: Clock },
  reference: string,
  format: SbomFormat,
): Promise<object> {
  const ref = parseImageReference(reference);
  const found = await deps.metadata.read(async (tx) => {
    const repository = await tx.repositories.get(ref.name);
    if (!repository) return undefined;
    const digest = ref.digest ?? (await tx.tags.get(repository.id, ref.tag!));
    return digest && (await tx.manifests.get(repository.id, digest)) ? { repository, digest } : undefined;
  });
  if (!found) throw new RegistryError('MANIFEST_UNKNOWN', `image ${reference} not found`);
  const sbom = await deps.scanner.sbomFor(found.repository.id, found.digest);
  const options = { now: deps.clock.now(), imageName: ref.name };
  return format === 'spdx' ? toSpdx(sbom, options) : toCycloneDx(sbom, options);
}
