import { createHash } from 'node:crypto';

/**
 * The software bill of materials the scanner stores per image, and its two export formats.
 * An SBOM is what the catalog pass found; matching reads it again whenever advisories change,
 * so it carries everything a matcher needs (ecosystem, name, version, source package) and
 * nothing about vulnerabilities.
 */

/** Amazon Inspector's `packageManager` values, as ECR's enhanced scanning reports them. */
export type PackageManager =
  | 'OS'
  | 'NPM'
  | 'PYTHONPKG'
  | 'JAR'
  | 'GOBINARY'
  | 'GEMSPEC'
  | 'CARGO'
  | 'COMPOSER'
  | 'NUGET';

export interface Package {
  readonly name: string;
  readonly version: string;
  readonly type: 'os' | 'language';
  /** OSV ecosystem name (`Debian:12`, `Alpine:v3.19`, `npm`, `PyPI`…), as matchers/ecosystems.ts reads it. */
  readonly ecosystem: string;
  readonly purl: string;
  /** The source package a binary package was built from (dpkg `Source:`, apk origin, rpm SOURCERPM). */
  readonly sourceName?: string;
  readonly sourceVersion?: string;
  /** Absolute paths in the image's final filesystem where the package was found, sorted. */
  readonly locations: readonly string[];
  readonly packageManager: PackageManager;
}

/** The distribution named by the image's os-release. */
export interface Distro {
  /** os-release `ID` (`debian`, `ubuntu`, `alpine`, `rhel`…). */
  readonly id: string;
  readonly versionId?: string;
  readonly versionCodename?: string;
  readonly prettyName?: string;
  /** The OSV ecosystem of the distribution's own packages, when OSV has one (`Debian:12`). */
  readonly ecosystem?: string;
}

export interface Sbom {
  readonly imageDigest: string;
  readonly distro?: Distro;
  /** Sorted by ecosystem, name, version, purl. */
  readonly packages: readonly Package[];
  /** What could not be cataloged and why (a zstd layer without a decoder, a file over the size cap…). */
  readonly notes: readonly string[];
}

export interface ExportOptions {
  /** The generation time, which is also what makes the serial number and namespace unique. */
  readonly now: Date;
  /** The image's repository name, for display; the digest identifies it otherwise. */
  readonly imageName?: string;
}

// Export documents are type aliases rather than interfaces so they stay assignable to `Record<string, unknown>`.
type Property = {
  readonly name: string;
  readonly value: string;
};

export type CycloneDxComponent = {
  readonly type: 'container' | 'operating-system' | 'library' | 'application';
  readonly 'bom-ref': string;
  readonly name: string;
  readonly version?: string;
  readonly description?: string;
  readonly purl?: string;
  readonly properties?: readonly Property[];
};

export type CycloneDxBom = {
  readonly bomFormat: 'CycloneDX';
  readonly specVersion: '1.5';
  readonly serialNumber: string;
  readonly version: number;
  readonly metadata: {
    readonly timestamp: string;
    readonly tools: { readonly components: readonly { readonly type: 'application'; readonly name: string }[] };
    readonly component: CycloneDxComponent;
  };
  readonly components: readonly CycloneDxComponent[];
};

export type SpdxExternalRef = {
  readonly referenceCategory: 'PACKAGE-MANAGER';
  readonly referenceType: 'purl';
  readonly referenceLocator: string;
};

export type SpdxPackage = {
  readonly SPDXID: string;
  readonly name: string;
  readonly versionInfo: string;
  readonly downloadLocation: 'NOASSERTION';
  readonly filesAnalyzed: false;
  readonly primaryPackagePurpose: 'CONTAINER' | 'OPERATING-SYSTEM' | 'INSTALL' | 'LIBRARY';
  readonly sourceInfo?: string;
  readonly comment?: string;
  readonly externalRefs?: readonly SpdxExternalRef[];
};

export type SpdxRelationship = {
  readonly spdxElementId: string;
  readonly relationshipType: 'DESCRIBES' | 'CONTAINS';
  readonly relatedSpdxElement: string;
};

export type SpdxDocument = {
  readonly spdxVersion: 'SPDX-2.3';
  readonly dataLicense: 'CC0-1.0';
  readonly SPDXID: 'SPDXRef-DOCUMENT';
  readonly name: string;
  readonly documentNamespace: string;
  readonly creationInfo: { readonly created: string; readonly creators: readonly string[] };
  readonly packages: readonly SpdxPackage[];
  readonly relationships: readonly SpdxRelationship[];
};

/** An RFC 4122 version-5 (name-based, SHA-1) UUID, so exports stay pure functions of their inputs. */
function nameUuid(name: string): string {
  const namespace = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex'); // RFC 4122 URL namespace
  const h = createHash('sha1').update(namespace).update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function imagePurl(sbom: Sbom, imageName: string | undefined): string {
  const name = (imageName ?? 'image').split('/').pop() ?? 'image';
  return `pkg:oci/${encodeURIComponent(name.toLowerCase())}@${encodeURIComponent(sbom.imageDigest)}`;
}

function packageProperties(p: Package): Property[] {
  const props: Property[] = [
    { name: 'wharf:ecosystem', value: p.ecosystem },
    { name: 'wharf:packageManager', value: p.packageManager },
    ...p.locations.map((value) => ({ name: 'wharf:location', value })),
  ];
  if (p.sourceName !== undefined) props.push({ name: 'wharf:sourceName', value: p.sourceName });
  if (p.sourceVersion !== undefined) props.push({ name: 'wharf:sourceVersion', value: p.sourceVersion });
  return props;
}

/** CycloneDX 1.5 JSON (https://cyclonedx.org/docs/1.5/json/). */
export function toCycloneDx(sbom: Sbom, options: ExportOptions): CycloneDxBom {
  const timestamp = options.now.toISOString();
  const refs = new Set<string>();
  const uniqueRef = (ref: string): string => {
    let r = ref;
    for (let n = 2; refs.has(r); n++) r = `${ref}#${n}`;
    refs.add(r);
    return r;
  };
  const components: CycloneDxComponent[] = [];
  if (sbom.distro) {
    components.push({
      type: 'operating-system',
      'bom-ref': uniqueRef(`os:${sbom.distro.id}`),
      name: sbom.distro.id,
      ...(sbom.distro.versionId !== undefined ? { version: sbom.distro.versionId } : {}),
      ...(sbom.distro.prettyName !== undefined ? { description: sbom.distro.prettyName } : {}),
    });
  }
  for (const p of sbom.packages) {
    components.push({
      type: 'library',
      'bom-ref': uniqueRef(p.purl),
      name: p.name,
      version: p.version,
      purl: p.purl,
      properties: packageProperties(p),
    });
  }
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${nameUuid(`cyclonedx:${sbom.imageDigest}:${timestamp}`)}`,
    version: 1,
    metadata: {
      timestamp,
      tools: { components: [{ type: 'application', name: 'wharf' }] },
      component: {
        type: 'container',
        'bom-ref': uniqueRef(`image:${sbom.imageDigest}`),
        name: options.imageName ?? sbom.imageDigest,
        version: sbom.imageDigest,
        purl: imagePurl(sbom, options.imageName),
      },
    },
    components,
  };
}

/** SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/). */
export function toSpdx(sbom: Sbom, options: ExportOptions): SpdxDocument {
  // SPDX wants whole seconds: YYYY-MM-DDThh:mm:ssZ.
  const created = options.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const name = options.imageName ?? sbom.imageDigest;
  const imageId = 'SPDXRef-Image';
  const packages: SpdxPackage[] = [
    {
      SPDXID: imageId,
      name,
      versionInfo: sbom.imageDigest,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'CONTAINER',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: imagePurl(sbom, options.imageName) }],
    },
  ];
  const relationships: SpdxRelationship[] = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: imageId },
  ];
  if (sbom.distro) {
    packages.push({
      SPDXID: 'SPDXRef-OperatingSystem',
      name: sbom.distro.id,
      versionInfo: sbom.distro.versionId ?? 'NOASSERTION',
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'OPERATING-SYSTEM',
    });
    relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-OperatingSystem' });
  }
  sbom.packages.forEach((p, i) => {
    const id = `SPDXRef-Package-${i + 1}`;
    packages.push({
      SPDXID: id,
      name: p.name,
      versionInfo: p.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: p.type === 'os' ? 'INSTALL' : 'LIBRARY',
      ...(p.sourceName !== undefined ? { sourceInfo: `built from ${p.sourceName} ${p.sourceVersion ?? ''}`.trim() } : {}),
      comment: `Found at ${p.locations.join(', ')} (${p.packageManager}, ecosystem ${p.ecosystem})`,
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
    });
    relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: id });
  });
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://wharf.invalid/spdxdocs/${encodeURIComponent(name)}-${nameUuid(`spdx:${sbom.imageDigest}:${created}`)}`,
    creationInfo: { created, creators: ['Tool: wharf'] },
    packages,
    relationships,
  };
}
