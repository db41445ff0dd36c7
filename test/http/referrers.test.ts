// The referrers API: manifests with a `subject`, listed as an OCI index, filtered by artifactType.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pushBlob } from '../helpers/registry-http.js';
import { expectOciError, testStores, useTestRegistry, type TestRegistry } from '../helpers/test-registry.js';
import {
  ABSENT_DIGEST,
  EMPTY_JSON,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_MANIFEST,
  bodyJson,
  buildImage,
  descriptor,
  imageManifest,
  indexManifest,
  pushBuiltImage,
  putManifest,
  sha256,
  type Descriptor,
} from './fixtures.js';

const STORES = await testStores();
const SBOM = 'application/vnd.example.sbom.v1+json';
const SIGNATURE = 'application/vnd.example.signature.v1';

interface ReferrersIndex {
  schemaVersion: number;
  mediaType: string;
  manifests: Descriptor[];
}

async function referrers(reg: TestRegistry, repo: string, subject: string, query = ''): Promise<{ index: ReferrersIndex; filters: string | undefined }> {
  const res = await reg.request('GET', `/v2/${repo}/referrers/${subject}${query}`);
  expect(res.status, res.body.toString()).toBe(200);
  expect(res.headers['content-type']).toBe(OCI_INDEX);
  const index = bodyJson<ReferrersIndex>(res);
  expect(index.schemaVersion).toBe(2);
  expect(index.mediaType).toBe(OCI_INDEX);
  return { index, filters: res.headers['oci-filters-applied'] as string | undefined };
}

/** Pushes an artifact (empty config, one random layer) about `subject`; returns its manifest bytes and the PUT response. */
async function pushArtifact(reg: TestRegistry, repo: string, subject: Descriptor, artifactType: string, annotations: Record<string, string>) {
  await pushBlob(reg, repo, EMPTY_JSON);
  const payload = randomBytes(64);
  await pushBlob(reg, repo, payload);
  const manifest = imageManifest(descriptor(OCI_EMPTY, EMPTY_JSON), [descriptor('application/octet-stream', payload)], { artifactType, subject, annotations });
  const res = await putManifest(reg, repo, sha256(manifest), manifest, OCI_MANIFEST);
  expect(res.status, res.body.toString()).toBe(201);
  return { manifest, res, digest: sha256(manifest) };
}

for (const store of STORES) {
  describe(`referrers [${store}]`, () => {
    const registry = useTestRegistry({ store });

    it('artifacts pushed with a subject answer with OCI-Subject and are listed with artifactType and annotations', async () => {
      const reg = registry();
      const image = buildImage();
      expect((await pushBuiltImage(reg, 'ref/app', image, 'v1')).status).toBe(201);
      const subject = descriptor(OCI_MANIFEST, image.manifest);

      const sbom = await pushArtifact(reg, 'ref/app', subject, SBOM, { 'org.example.kind': 'sbom' });
      expect(sbom.res.headers['oci-subject']).toBe(image.digest);
      const sig = await pushArtifact(reg, 'ref/app', subject, SIGNATURE, { 'org.example.kind': 'signature' });
      expect(sig.res.headers['oci-subject']).toBe(image.digest);

      // An image manifest without artifactType is listed under its config's media type.
      await pushBlob(reg, 'ref/app', Buffer.from('{"kind":"attestation"}'));
      const configTyped = imageManifest(descriptor('application/vnd.example.attestation.config', Buffer.from('{"kind":"attestation"}')), [], { subject });
      const configRes = await putManifest(reg, 'ref/app', sha256(configTyped), configTyped, OCI_MANIFEST);
      expect(configRes.status).toBe(201);
      expect(configRes.headers['oci-subject']).toBe(image.digest);

      // An index can refer to a subject too.
      const index = indexManifest([descriptor(OCI_MANIFEST, sig.manifest)], { artifactType: 'application/vnd.example.bundle', subject, annotations: { 'org.example.kind': 'bundle' } });
      const indexRes = await putManifest(reg, 'ref/app', sha256(index), index, OCI_INDEX);
      expect(indexRes.status).toBe(201);
      expect(indexRes.headers['oci-subject']).toBe(image.digest);

      const { index: listed, filters } = await referrers(reg, 'ref/app', image.digest);
      expect(filters).toBeUndefined();
      const expected: Descriptor[] = [
        { mediaType: OCI_MANIFEST, digest: sbom.digest, size: sbom.manifest.length, artifactType: SBOM, annotations: { 'org.example.kind': 'sbom' } },
        { mediaType: OCI_MANIFEST, digest: sig.digest, size: sig.manifest.length, artifactType: SIGNATURE, annotations: { 'org.example.kind': 'signature' } },
        { mediaType: OCI_MANIFEST, digest: sha256(configTyped), size: configTyped.length, artifactType: 'application/vnd.example.attestation.config' },
        { mediaType: OCI_INDEX, digest: sha256(index), size: index.length, artifactType: 'application/vnd.example.bundle', annotations: { 'org.example.kind': 'bundle' } },
      ];
      expect(sortByDigest(listed.manifests)).toEqual(sortByDigest(expected));
    });

    it('?artifactType= filters and says so with OCI-Filters-Applied', async () => {
      const reg = registry();
      const image = buildImage();
      await pushBuiltImage(reg, 'ref/filter', image, 'v1');
      const subject = descriptor(OCI_MANIFEST, image.manifest);
      const sbom = await pushArtifact(reg, 'ref/filter', subject, SBOM, { n: '1' });
      await pushArtifact(reg, 'ref/filter', subject, SIGNATURE, { n: '2' });

      const only = await referrers(reg, 'ref/filter', image.digest, `?artifactType=${encodeURIComponent(SBOM)}`);
      expect(only.filters).toBe('artifactType');
      expect(only.index.manifests).toEqual([{ mediaType: OCI_MANIFEST, digest: sbom.digest, size: sbom.manifest.length, artifactType: SBOM, annotations: { n: '1' } }]);

      const none = await referrers(reg, 'ref/filter', image.digest, '?artifactType=application%2Fvnd.example.none');
      expect(none.filters).toBe('artifactType');
      expect(none.index.manifests).toEqual([]);
    });

    it('a subject nothing refers to, or that is not in the registry: 200 with an empty index', async () => {
      const reg = registry();
      const image = buildImage();
      await pushBuiltImage(reg, 'ref/empty', image, 'v1');
      expect((await referrers(reg, 'ref/empty', image.digest)).index.manifests).toEqual([]);
      expect((await referrers(reg, 'ref/empty', ABSENT_DIGEST)).index.manifests).toEqual([]);
    });

    it('a referrer may be pushed before its subject, and is listed for it', async () => {
      const reg = registry();
      const image = buildImage();
      const subject = descriptor(OCI_MANIFEST, image.manifest);
      const early = await pushArtifact(reg, 'ref/early', subject, SBOM, { when: 'before' });
      expect(early.res.headers['oci-subject']).toBe(image.digest);
      expect((await referrers(reg, 'ref/early', image.digest)).index.manifests.map((d) => d.digest)).toEqual([early.digest]);
      expect((await pushBuiltImage(reg, 'ref/early', image, 'v1')).status).toBe(201);
      expect((await referrers(reg, 'ref/early', image.digest)).index.manifests.map((d) => d.digest)).toEqual([early.digest]);
    });

    it('deleting a referrer removes it from the list; referrers of other repositories are not listed', async () => {
      const reg = registry();
      const image = buildImage();
      await pushBuiltImage(reg, 'ref/one', image, 'v1');
      await pushBuiltImage(reg, 'ref/two', image, 'v1');
      const subject = descriptor(OCI_MANIFEST, image.manifest);
      const here = await pushArtifact(reg, 'ref/one', subject, SBOM, { repo: 'one' });
      await pushArtifact(reg, 'ref/two', subject, SBOM, { repo: 'two' });
      expect((await referrers(reg, 'ref/one', image.digest)).index.manifests.map((d) => d.annotations)).toEqual([{ repo: 'one' }]);

      expect((await reg.request('DELETE', `/v2/ref/one/manifests/${here.digest}`)).status).toBe(202);
      expect((await referrers(reg, 'ref/one', image.digest)).index.manifests).toEqual([]);
      expect((await referrers(reg, 'ref/two', image.digest)).index.manifests.map((d) => d.annotations)).toEqual([{ repo: 'two' }]);
    });

    it('a manifest without subject gets no OCI-Subject header', async () => {
      const reg = registry();
      const res = await pushBuiltImage(reg, 'ref/plain', buildImage(), 'v1');
      expect(res.status).toBe(201);
      expect(res.headers['oci-subject']).toBeUndefined();
    });

    it('a malformed digest: 400 DIGEST_INVALID; an unknown repository: 404 NAME_UNKNOWN', async () => {
      const reg = registry();
      await pushBuiltImage(reg, 'ref/bad', buildImage(), 'v1');
      expectOciError(await reg.request('GET', '/v2/ref/bad/referrers/sha256:abc'), 400, 'DIGEST_INVALID');
      expectOciError(await reg.request('GET', '/v2/ref/bad/referrers/latest'), 400, 'DIGEST_INVALID');
      expectOciError(await reg.request('GET', `/v2/ref/nowhere/referrers/${ABSENT_DIGEST}`), 404, 'NAME_UNKNOWN');
    });
  });
}

function sortByDigest(list: readonly Descriptor[]): Descriptor[] {
  return [...list].sort((a, b) => a.digest.localeCompare(b.digest));
}
