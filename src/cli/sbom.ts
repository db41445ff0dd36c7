import type { Clock } from '../domain/clock.js';
import { isRegistryError } from '../errors/registry-error.js';
import { exportSbom, parseSbomFormat } from '../scanner/sbom-export.js';
import { ScanService } from '../scanner/scan-service.js';
import type { BlobStore } from '../storage/blob/blob-store.js';
import type { MetadataStore } from '../storage/metadata/metadata-store.js';

export const SBOM_USAGE = `usage: wharf sbom REPOSITORY@DIGEST|REPOSITORY:TAG [--format cyclonedx|spdx] [--data-dir DIR | --database-url URL] [--config FILE]

Prints the image's SBOM (CycloneDX 1.5 JSON by default, or SPDX 2.3 JSON): the one stored by its
last scan, or one cataloged now from its layers.`;

export async function runSbomCommand(
  args: readonly string[],
  format: string | undefined,
  io: { readonly openStores: () => Promise<{ metadata: MetadataStore; blobs: BlobStore }>; readonly clock: Clock },
): Promise<number> {
  if (args.length !== 1) {
    process.stderr.write(`${SBOM_USAGE}\n`);
    return 2;
  }
  const stores = await io.openStores();
  try {
    const scanner = new ScanService({ ...stores, clock: io.clock });
    const document = await exportSbom({ metadata: stores.metadata, scanner, clock: io.clock }, args[0]!, parseSbomFormat(format));
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (!isRegistryError(err)) throw err;
    process.stderr.write(`wharf sbom: ${err.message}\n`);
    return 1;
  } finally {
    await stores.metadata.close();
  }
}
