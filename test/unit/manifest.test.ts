import { describe, expect, it } from 'vitest';
import { digestOf } from '../../src/domain/digest.js';
import { parseManifest } from '../../src/domain/manifest.js';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_EMPTY_JSON,
  OCI_INDEX,
  OCI_MANIFEST,
} from '../../src/domain/media-types.js';
import { codeOf, errorOf } from './support.js';

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const CONFIG = d('c');
const LAYER1 = d('1');
const LAYER2 = d('2');
const SUBJECT = d('5');
const EMPTY_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

const bytes = (doc: unknown): Buffer => Buffer.from(JSON.stringify(doc));

function ociImage(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: CONFIG, size: 10 },
    layers: [
      { mediaType: OCI_LAYER, digest: LAYER1, size: 100 },
      { mediaType: OCI_LAYER, digest: LAYER2, size: 200 },
    ],
    ...extra,
  };
}

function ociIndex(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      { mediaType: OCI_MANIFEST, digest: d('a'), size: 500, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: OCI_MANIFEST, digest: d('b'), size: 501, platform: { os: 'linux', architecture: 'arm64' } },
    ],
    ...extra,
  };
}

function messageOf(content: Uint8Array, contentType?: string): string {
  const err = errorOf(() => parseManifest(content, contentType));
  expect(err.code).toBe('MANIFEST_INVALID');
  return err.message;
}

describe('parseManifest: image manifests', () => {
  it('parses an OCI image manifest: config and layers are the required blobs', () => {
    const content = bytes(ociImage());
    const m = parseManifest(content, OCI_MANIFEST);
    expect(m.kind).toBe('image');
    expect(m.mediaType).toBe(OCI_MANIFEST);
    expect(m.digest).toBe(digestOf(content));
    expect(m.content).toBe(content);
    expect(m.blobs).toEqual([CONFIG, LAYER1, LAYER2]);
    expect(m.children).toEqual([]);
    expect(m.references).toEqual([CONFIG, LAYER1, LAYER2].map((digest) => ({ digest, kind: 'blob' })));
    expect(m.subject).toBeUndefined();
    expect(m.annotations).toBeUndefined();
  });

  it('defaults artifactType to the config media type', () => {
    expect(parseManifest(bytes(ociImage()), OCI_MANIFEST).artifactType).toBe(OCI_CONFIG);
  });

  it('parses an OCI artifact with artifactType and the empty config', () => {
    const doc = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.sbom.v1',
      config: { mediaType: OCI_EMPTY_JSON, digest: EMPTY_DIGEST, size: 2, data: 'e30=' },
      layers: [{ mediaType: 'application/spdx+json', digest: LAYER1, size: 1234 }],
      subject: { mediaType: OCI_MANIFEST, digest: SUBJECT, size: 700 },
      annotations: { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' },
    };
    const m = parseManifest(bytes(doc), OCI_MANIFEST);
    expect(m.artifactType).toBe('application/vnd.example.sbom.v1');
    expect(m.blobs).toEqual([EMPTY_DIGEST, LAYER1]);
    expect(m.subject).toBe(SUBJECT);
    expect(m.annotations).toEqual({ 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' });
    // The subject need not exist: it is not a reference the push depends on.
    expect(m.references.map((r) => r.digest)).not.toContain(SUBJECT);
  });

  it('an artifact with only the empty config and no layers types itself by the empty config', () => {
    const doc = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_EMPTY_JSON, digest: EMPTY_DIGEST, size: 2 }, layers: [] };
    const m = parseManifest(bytes(doc), OCI_MANIFEST);
    expect(m.artifactType).toBe(OCI_EMPTY_JSON);
    expect(m.blobs).toEqual([EMPTY_DIGEST]);
  });

  it('parses a Docker v2 schema 2 manifest', () => {
    const doc = {
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: CONFIG, size: 1469 },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: LAYER1, size: 2_000_000 }],
    };
    const m = parseManifest(bytes(doc), DOCKER_MANIFEST);
    expect(m.kind).toBe('image');
    expect(m.mediaType).toBe(DOCKER_MANIFEST);
    expect(m.blobs).toEqual([CONFIG, LAYER1]);
    expect(m.artifactType).toBe('application/vnd.docker.container.image.v1+json');
  });

  it.each([
    ['Docker foreign layer', 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip'],
    ['OCI non-distributable layer', 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip'],
  ])('leaves a %s out of the required blobs', (_why, mediaType) => {
    const doc = ociImage({
      layers: [
        { mediaType, digest: LAYER1, size: 100, urls: ['https://example.com/layer'] },
        { mediaType: OCI_LAYER, digest: LAYER2, size: 200 },
      ],
    });
    const m = parseManifest(bytes(doc), OCI_MANIFEST);
    expect(m.blobs).toEqual([CONFIG, LAYER2]);
  });

  it('lists a blob used twice only once', () => {
    const doc = ociImage({
      layers: [
        { mediaType: OCI_LAYER, digest: LAYER1, size: 100 },
        { mediaType: OCI_LAYER, digest: LAYER1, size: 100 },
      ],
    });
    expect(parseManifest(bytes(doc), OCI_MANIFEST).blobs).toEqual([CONFIG, LAYER1]);
  });
});

describe('parseManifest: indexes', () => {
  it('parses an OCI index: entries are children, no blobs', () => {
    const m = parseManifest(bytes(ociIndex()), OCI_INDEX);
    expect(m.kind).toBe('index');
    expect(m.children).toEqual([d('a'), d('b')]);
    expect(m.blobs).toEqual([]);
    expect(m.references).toEqual([
      { digest: d('a'), kind: 'manifest' },
      { digest: d('b'), kind: 'manifest' },
    ]);
    expect(m.artifactType).toBeUndefined();
  });

  it('keeps an index artifactType, subject and annotations', () => {
    const doc = ociIndex({
      artifactType: 'application/vnd.example.bundle',
      subject: { mediaType: OCI_MANIFEST, digest: SUBJECT, size: 1 },
      annotations: { a: 'b' },
    });
    const m = parseManifest(bytes(doc), OCI_INDEX);
    expect(m.artifactType).toBe('application/vnd.example.bundle');
    expect(m.subject).toBe(SUBJECT);
    expect(m.annotations).toEqual({ a: 'b' });
  });

  it('parses a Docker manifest list', () => {
    const doc = {
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST_LIST,
      manifests: [{ mediaType: DOCKER_MANIFEST, digest: d('a'), size: 528, platform: { architecture: 'amd64', os: 'linux' } }],
    };
    const m = parseManifest(bytes(doc), DOCKER_MANIFEST_LIST);
    expect(m.kind).toBe('index');
    expect(m.mediaType).toBe(DOCKER_MANIFEST_LIST);
    expect(m.children).toEqual([d('a')]);
  });

  it('accepts an empty index', () => {
    expect(parseManifest(bytes(ociIndex({ manifests: [] })), OCI_INDEX).children).toEqual([]);
  });
});

describe('parseManifest: media type', () => {
  const { mediaType: _omitImage, ...imageWithoutType } = ociImage();
  const { mediaType: _omitIndex, ...indexWithoutType } = ociIndex();

  it.each([
    ['image body, OCI Content-Type', imageWithoutType, OCI_MANIFEST, OCI_MANIFEST],
    ['image body, Docker Content-Type', imageWithoutType, DOCKER_MANIFEST, DOCKER_MANIFEST],
    ['image body, Content-Type with parameters', imageWithoutType, `${DOCKER_MANIFEST}; charset=utf-8`, DOCKER_MANIFEST],
    ['image body, upper-case Content-Type', imageWithoutType, OCI_MANIFEST.toUpperCase(), OCI_MANIFEST],
    ['index body, Docker list Content-Type', indexWithoutType, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST_LIST],
    ['image body, no Content-Type: guessed from the shape', imageWithoutType, undefined, OCI_MANIFEST],
    ['index body, generic Content-Type: guessed from the shape', indexWithoutType, 'application/json', OCI_INDEX],
    ['declared type, generic Content-Type', ociImage(), 'application/octet-stream', OCI_MANIFEST],
  ])('%s → %s', (_why, doc, contentType, expected) => {
    expect(parseManifest(bytes(doc), contentType).mediaType).toBe(expected);
  });

  it.each([
    ['OCI body, Docker Content-Type', ociImage(), DOCKER_MANIFEST],
    ['OCI image body, OCI index Content-Type', ociImage(), OCI_INDEX],
    ['Docker list body, OCI index Content-Type', ociIndex({ mediaType: DOCKER_MANIFEST_LIST }), OCI_INDEX],
  ])('refuses a body whose mediaType contradicts the Content-Type: %s', (_why, doc, contentType) => {
    expect(messageOf(bytes(doc), contentType)).toMatch(/does not match Content-Type/);
  });

  it.each([
    ['declared in the body', { schemaVersion: 1, mediaType: 'application/vnd.docker.distribution.manifest.v1+json', name: 'a', tag: 'b', fsLayers: [] }, undefined],
    ['signed, by Content-Type', { schemaVersion: 1, name: 'a', tag: 'b', fsLayers: [], signatures: [] }, 'application/vnd.docker.distribution.manifest.v1+prettyjws'],
    ['OCI body pushed with a schema 1 Content-Type', ociImage(), 'application/vnd.docker.distribution.manifest.v1+json'],
    ['with schemaVersion 2 but a schema 1 mediaType', { schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws', config: {}, layers: [] }, undefined],
  ])('refuses Docker schema 1 (%s)', (_why, doc, contentType) => {
    expect(messageOf(bytes(doc), contentType)).toMatch(/schema 1/);
  });

  it('refuses an unknown manifest media type', () => {
    expect(messageOf(bytes(ociImage({ mediaType: 'application/vnd.example.thing' })), undefined)).toMatch(
      /unsupported manifest media type "application\/vnd.example.thing"/,
    );
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])('refuses the Object.prototype key %s as a media type', (mediaType) => {
    // Declared in the body, as an index and as an image.
    expect(messageOf(bytes({ schemaVersion: 2, mediaType, manifests: [] }), undefined)).toMatch(/unsupported manifest media type/);
    expect(messageOf(bytes(ociImage({ mediaType })), undefined)).toMatch(/unsupported manifest media type/);
    // Given only as Content-Type: not a manifest type, so the shape decides.
    const { mediaType: _omit, ...untyped } = ociIndex();
    expect(parseManifest(bytes(untyped), mediaType).mediaType).toBe(OCI_INDEX);
  });

  it('refuses a body with neither mediaType nor a recognisable shape', () => {
    expect(messageOf(bytes({ schemaVersion: 2 }), undefined)).toMatch(/no mediaType/);
  });
});

describe('parseManifest: invalid documents', () => {
  it.each([
    ['not JSON', Buffer.from('{"schemaVersion":2,'), /not valid JSON/],
    ['empty body', Buffer.alloc(0), /not valid JSON/],
    ['invalid UTF-8 smuggled into JSON', Buffer.from([0x7b, 0xff, 0x7d]), /not valid JSON/],
    ['a JSON array', bytes([ociImage()]), /must be a JSON object/],
    ['a JSON string', bytes('manifest'), /must be a JSON object/],
    ['JSON null', bytes(null), /must be a JSON object/],
    ['no schemaVersion', bytes({ ...ociImage(), schemaVersion: undefined }), /schemaVersion must be 2/],
    ['schemaVersion "2"', bytes(ociImage({ schemaVersion: '2' })), /schemaVersion must be 2/],
    ['schemaVersion 3', bytes(ociImage({ schemaVersion: 3 })), /schemaVersion must be 2/],
    ['no config', bytes(ociImage({ config: undefined })), /config must be a descriptor object/],
    ['config is an array', bytes(ociImage({ config: [] })), /config must be a descriptor object/],
    ['layers missing', bytes(ociImage({ layers: undefined })), /layers must be an array/],
    ['layers an object', bytes(ociImage({ layers: {} })), /layers must be an array/],
    ['manifests missing from an index', bytes(ociIndex({ manifests: undefined })), /manifests must be an array/],
    ['a layer that is not an object', bytes(ociImage({ layers: ['sha256:x'] })), /layers\[0\] must be a descriptor object/],
    ['a layer without mediaType', bytes(ociImage({ layers: [{ digest: LAYER1, size: 1 }] })), /layers\[0\]\.mediaType must be a non-empty string/],
    ['a layer with an empty mediaType', bytes(ociImage({ layers: [{ mediaType: '', digest: LAYER1, size: 1 }] })), /layers\[0\]\.mediaType/],
    ['a layer without digest', bytes(ociImage({ layers: [{ mediaType: OCI_LAYER, size: 1 }] })), /layers\[0\]\.digest must be a string/],
    ['a malformed layer digest', bytes(ociImage({ layers: [{ mediaType: OCI_LAYER, digest: 'sha256:abc', size: 1 }] })), /layers\[0\]\.digest "sha256:abc" is not a valid digest/],
    ['an uppercase config digest', bytes(ociImage({ config: { mediaType: OCI_CONFIG, digest: `sha256:${'C'.repeat(64)}`, size: 1 } })), /config\.digest .* is not a valid digest/],
    ['an unsupported-algorithm digest', bytes(ociImage({ config: { mediaType: OCI_CONFIG, digest: `md5:${'0'.repeat(32)}`, size: 1 } })), /config\.digest .* is not a valid digest/],
    ['a negative size', bytes(ociImage({ layers: [{ mediaType: OCI_LAYER, digest: LAYER1, size: -1 }] })), /layers\[0\]\.size must be a non-negative integer/],
    ['a fractional size', bytes(ociImage({ layers: [{ mediaType: OCI_LAYER, digest: LAYER1, size: 1.5 }] })), /layers\[0\]\.size must be a non-negative integer/],
    ['a string size', bytes(ociImage({ config: { mediaType: OCI_CONFIG, digest: CONFIG, size: '10' } })), /config\.size must be a non-negative integer/],
    ['a size beyond 2^53', Buffer.from(JSON.stringify(ociImage()).replace('"size":10', '"size":18014398509481984')), /config\.size must be a non-negative integer/],
    ['a second layer at fault', bytes(ociImage({ layers: [{ mediaType: OCI_LAYER, digest: LAYER1, size: 1 }, { mediaType: OCI_LAYER, digest: LAYER2 }] })), /layers\[1\]\.size/],
    ['an index entry at fault', bytes(ociIndex({ manifests: [{ mediaType: OCI_MANIFEST, digest: 'nope', size: 1 }] })), /manifests\[0\]\.digest "nope" is not a valid digest/],
    ['a subject at fault', bytes(ociImage({ subject: { mediaType: OCI_MANIFEST, digest: SUBJECT } })), /subject\.size/],
    ['a non-string annotation', bytes(ociImage({ annotations: { a: 1 } })), /annotations must map strings to strings/],
    ['annotations as an array', bytes(ociImage({ annotations: ['a'] })), /annotations must map strings to strings/],
    ['a descriptor annotation at fault', bytes(ociImage({ layers: [{ mediaType: OCI_LAYER, digest: LAYER1, size: 1, annotations: { a: null } }] })), /layers\[0\]\.annotations must map strings to strings/],
    ['a non-string artifactType', bytes(ociImage({ artifactType: 42 })), /artifactType must be a string/],
    ['a non-string descriptor artifactType', bytes(ociIndex({ manifests: [{ mediaType: OCI_MANIFEST, digest: d('a'), size: 1, artifactType: {} }] })), /manifests\[0\]\.artifactType must be a string/],
    ['a non-string mediaType', bytes(ociImage({ mediaType: 2 })), /mediaType must be a string/],
  ])('refuses %s as MANIFEST_INVALID with a message naming the problem', (_why, content, message) => {
    expect(messageOf(content, undefined)).toMatch(message);
  });

  it('accepts a zero-size descriptor', () => {
    const doc = ociImage({ layers: [{ mediaType: OCI_LAYER, digest: LAYER1, size: 0 }] });
    expect(codeOf(() => parseManifest(bytes(doc), OCI_MANIFEST))).toBeUndefined();
  });
});

describe('parseManifest: digest', () => {
  it('is computed over the exact bytes pushed: whitespace and key order matter', () => {
    const compact = bytes(ociImage());
    const pretty = Buffer.from(JSON.stringify(ociImage(), null, 2));
    const withNewline = Buffer.concat([compact, Buffer.from('\n')]);
    const digests = [compact, pretty, withNewline].map((b) => parseManifest(b, OCI_MANIFEST).digest);
    expect(digests).toEqual([digestOf(compact), digestOf(pretty), digestOf(withNewline)]);
    expect(new Set(digests).size).toBe(3);
  });

  it('uses sha512 when asked', () => {
    const content = bytes(ociImage());
    const m = parseManifest(content, OCI_MANIFEST, 'sha512');
    expect(m.digest).toBe(digestOf(content, 'sha512'));
    expect(m.digest).toMatch(/^sha512:[a-f0-9]{128}$/);
  });

  it('reads a view into a larger buffer without the bytes around it', () => {
    const content = bytes(ociImage());
    const backing = Buffer.concat([Buffer.from('garbage'), content, Buffer.from('more garbage')]);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 7, content.length);
    expect(parseManifest(view, OCI_MANIFEST).digest).toBe(digestOf(content));
  });

  it('accepts sha512 descriptor digests', () => {
    const config = `sha512:${'e'.repeat(128)}`;
    const doc = ociImage({ config: { mediaType: OCI_CONFIG, digest: config, size: 1 } });
    expect(parseManifest(bytes(doc), OCI_MANIFEST).blobs[0]).toBe(config);
  });
});
