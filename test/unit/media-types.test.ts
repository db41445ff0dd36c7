import { describe, expect, it } from 'vitest';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  MANIFEST_KINDS,
  OCI_INDEX,
  OCI_MANIFEST,
  acceptsManifest,
  bareMediaType,
  isForeignLayer,
} from '../../src/domain/media-types.js';

describe('acceptsManifest', () => {
  it.each([
    // No Accept header, or an empty one: anything goes.
    [undefined, OCI_MANIFEST, true],
    ['', OCI_INDEX, true],
    [' , ', OCI_MANIFEST, true],
    // OCI types are served only when listed (or matched by a wildcard).
    [OCI_MANIFEST, OCI_MANIFEST, true],
    [OCI_INDEX, OCI_INDEX, true],
    [OCI_MANIFEST, OCI_INDEX, false],
    [OCI_INDEX, OCI_MANIFEST, false],
    [`${DOCKER_MANIFEST}, ${DOCKER_MANIFEST_LIST}`, OCI_MANIFEST, false],
    [`${DOCKER_MANIFEST}, ${OCI_MANIFEST}`, OCI_MANIFEST, true],
    [`${DOCKER_MANIFEST},${OCI_INDEX};q=0.9`, OCI_INDEX, true],
    [`${OCI_MANIFEST.toUpperCase()}`, OCI_MANIFEST, true],
    ['application/json', OCI_MANIFEST, false],
    ['*/*', OCI_MANIFEST, true],
    ['application/*', OCI_INDEX, true],
    [`${DOCKER_MANIFEST}, */*;q=0.1`, OCI_INDEX, true],
    ['text/*', OCI_MANIFEST, false],
    // Docker types are always served, whatever the Accept header says.
    [OCI_MANIFEST, DOCKER_MANIFEST, true],
    ['application/json', DOCKER_MANIFEST_LIST, true],
    ['text/plain', DOCKER_MANIFEST, true],
    // Anything else stored (an unknown type) is not withheld either.
    [OCI_MANIFEST, 'application/vnd.example+json', true],
  ])('Accept %j, manifest %s → %s', (accept, mediaType, expected) => {
    expect(acceptsManifest(accept, mediaType)).toBe(expected);
  });
});

describe('media type helpers', () => {
  it.each([
    ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.manifest.v1+json'],
    ['Application/JSON; charset=UTF-8', 'application/json'],
    ['  text/plain  ;q=1', 'text/plain'],
    ['', ''],
  ])('bareMediaType(%j) → %j', (value, expected) => {
    expect(bareMediaType(value)).toBe(expected);
  });

  it.each([
    ['application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', true],
    ['application/vnd.oci.image.layer.nondistributable.v1.tar', true],
    ['application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', true],
    ['application/vnd.oci.image.layer.nondistributable.v1.tar+zstd', true],
    ['application/vnd.oci.image.layer.v1.tar+gzip', false],
    ['application/vnd.docker.image.rootfs.diff.tar.gzip', false],
  ])('isForeignLayer(%s) → %s', (mediaType, expected) => {
    expect(isForeignLayer(mediaType)).toBe(expected);
  });

  it('knows the four manifest media types and nothing inherited', () => {
    expect({ ...MANIFEST_KINDS }).toEqual({
      [OCI_MANIFEST]: 'image',
      [DOCKER_MANIFEST]: 'image',
      [OCI_INDEX]: 'index',
      [DOCKER_MANIFEST_LIST]: 'index',
    });
    expect('constructor' in MANIFEST_KINDS).toBe(false);
    expect(MANIFEST_KINDS.toString).toBeUndefined();
  });
});
