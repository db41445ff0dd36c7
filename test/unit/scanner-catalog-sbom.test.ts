import { describe, expect, it } from 'vitest';
import { mergePackages } from '../../src/scanner/layers.js';
import { toCycloneDx, toSpdx, type Package, type Sbom } from '../../src/scanner/sbom.js';

const libc: Package = {
  name: 'libc6',
  version: '2.36-9+deb12u4',
  type: 'os',
  ecosystem: 'Debian:12',
  purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12',
  sourceName: 'glibc',
  sourceVersion: '2.36-9+deb12u4',
  locations: ['/var/lib/dpkg/status'],
  packageManager: 'OS',
};
const lodash: Package = {
  name: 'lodash',
  version: '4.17.21',
  type: 'language',
  ecosystem: 'npm',
  purl: 'pkg:npm/lodash@4.17.21',
  locations: ['/app/node_modules/lodash/package.json', '/srv/node_modules/lodash/package.json'],
  packageManager: 'NPM',
};
const sbom: Sbom = {
  imageDigest: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  distro: { id: 'debian', versionId: '12', versionCodename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)', ecosystem: 'Debian:12' },
  packages: [libc, lodash],
  notes: [],
};
const now = new Date('2024-03-01T12:34:56.789Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('CycloneDX 1.5', () => {
  const bom = toCycloneDx(sbom, { now, imageName: 'team/web' });

  it('has the document fields and the image as metadata.component', () => {
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.specVersion).toBe('1.5');
    expect(bom.version).toBe(1);
    expect(bom.serialNumber).toMatch(/^urn:uuid:/);
    expect(bom.serialNumber.slice('urn:uuid:'.length)).toMatch(UUID);
    expect(bom.metadata.timestamp).toBe('2024-03-01T12:34:56.789Z');
    expect(bom.metadata.tools).toEqual({ components: [{ type: 'application', name: 'wharf' }] });
    expect(bom.metadata.component).toEqual({
      type: 'container',
      'bom-ref': `image:${sbom.imageDigest}`,
      name: 'team/web',
      version: sbom.imageDigest,
      purl: 'pkg:oci/web@sha256%3A0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    });
  });

  it('lists the distro as an operating-system component and packages as libraries with their locations', () => {
    expect(bom.components).toEqual([
      { type: 'operating-system', 'bom-ref': 'os:debian', name: 'debian', version: '12', description: 'Debian GNU/Linux 12 (bookworm)' },
      {
        type: 'library',
        'bom-ref': libc.purl,
        name: 'libc6',
        version: '2.36-9+deb12u4',
        purl: libc.purl,
        properties: [
          { name: 'wharf:ecosystem', value: 'Debian:12' },
          { name: 'wharf:packageManager', value: 'OS' },
          { name: 'wharf:location', value: '/var/lib/dpkg/status' },
          { name: 'wharf:sourceName', value: 'glibc' },
          { name: 'wharf:sourceVersion', value: '2.36-9+deb12u4' },
        ],
      },
      {
        type: 'library',
        'bom-ref': lodash.purl,
        name: 'lodash',
        version: '4.17.21',
        purl: lodash.purl,
        properties: [
          { name: 'wharf:ecosystem', value: 'npm' },
          { name: 'wharf:packageManager', value: 'NPM' },
          { name: 'wharf:location', value: '/app/node_modules/lodash/package.json' },
          { name: 'wharf:location', value: '/srv/node_modules/lodash/package.json' },
        ],
      },
    ]);
  });

  it('is a pure function of its inputs: same time, same document; another time, another serial number', () => {
    expect(toCycloneDx(sbom, { now, imageName: 'team/web' })).toEqual(bom);
    expect(toCycloneDx(sbom, { now: new Date(now.getTime() + 1000) }).serialNumber).not.toBe(bom.serialNumber);
  });
});

describe('SPDX 2.3', () => {
  const doc = toSpdx(sbom, { now, imageName: 'team/web' });

  it('has the document fields', () => {
    expect(doc.spdxVersion).toBe('SPDX-2.3');
    expect(doc.dataLicense).toBe('CC0-1.0');
    expect(doc.SPDXID).toBe('SPDXRef-DOCUMENT');
    expect(doc.name).toBe('team/web');
    expect(doc.documentNamespace).toMatch(/^https:\/\/wharf\.invalid\/spdxdocs\/team%2Fweb-[0-9a-f-]{36}$/);
    expect(doc.creationInfo).toEqual({ created: '2024-03-01T12:34:56Z', creators: ['Tool: wharf'] });
  });

  it('describes the image, which contains the OS and every package, each with a purl', () => {
    const ids = doc.packages.map((p) => p.SPDXID);
    expect(ids).toEqual(['SPDXRef-Image', 'SPDXRef-OperatingSystem', 'SPDXRef-Package-1', 'SPDXRef-Package-2']);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of doc.packages) {
      expect(p.SPDXID).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
      expect(p.downloadLocation).toBe('NOASSERTION');
      expect(typeof p.name).toBe('string');
      expect(typeof p.versionInfo).toBe('string');
    }
    expect(doc.packages[2]).toMatchObject({
      name: 'libc6',
      versionInfo: '2.36-9+deb12u4',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: libc.purl }],
    });
    expect(doc.relationships).toEqual([
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' },
      { spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-OperatingSystem' },
      { spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-Package-1' },
      { spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-Package-2' },
    ]);
  });

  it('works without a distro or an image name', () => {
    const bare = toSpdx({ imageDigest: 'sha256:ab', packages: [], notes: [] }, { now });
    expect(bare.name).toBe('sha256:ab');
    expect(bare.packages.map((p) => p.SPDXID)).toEqual(['SPDXRef-Image']);
    expect(bare.relationships).toHaveLength(1);
  });
});

describe('mergePackages', () => {
  it('merges copies of one package and sorts by ecosystem, name, version', () => {
    const a = { ...lodash, locations: ['/b/package.json'] };
    const b = { ...lodash, locations: ['/a/package.json'] };
    const older = { ...lodash, version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', locations: ['/c/package.json'] };
    expect(mergePackages([a, libc, b, older]).map((p) => [p.ecosystem, p.name, p.version, p.locations])).toEqual([
      ['Debian:12', 'libc6', '2.36-9+deb12u4', ['/var/lib/dpkg/status']],
      ['npm', 'lodash', '4.17.20', ['/c/package.json']],
      ['npm', 'lodash', '4.17.21', ['/a/package.json', '/b/package.json']],
    ]);
  });
});
