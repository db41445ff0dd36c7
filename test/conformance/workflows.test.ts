// The OCI Distribution Spec's four workflow categories (pull, push, content discovery, content
// management) as ordered sequences over HTTP, in the manner of the spec's conformance suite:
// each category sets up, exercises the endpoints step by step, and tears down, against one registry.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCI_ERROR_CODES, startTestRegistry, testStores, type TestRegistry } from '../helpers/test-registry.js';
import {
  ABSENT_DIGEST,
  EMPTY_JSON,
  EMPTY_JSON_DIGEST,
  OCI_CONFIG,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_LAYER,
  OCI_MANIFEST,
  bodyJson,
  descriptor,
  imageManifest,
  indexManifest,
  json,
  sha256,
  type Descriptor,
} from '../http/fixtures.js';

const STORES = await testStores();


const is2xx = (status: number) => status >= 200 && status < 300;
const octet = { 'content-type': 'application/octet-stream' };

/** A fresh registry shared by the ordered steps of one workflow. */
function workflowRegistry(store: Parameters<typeof startTestRegistry>[0]['store']): () => TestRegistry {
  let reg: TestRegistry | undefined;
  beforeAll(async () => {
    reg = await startTestRegistry({ store });
  });
  afterAll(async () => {
    await reg?.stop();
  });
  return () => reg!;
}

/** POST, then PUT ?digest= with the bytes to the session URL (the pull/discovery setup step). */
async function postPut(reg: TestRegistry, repo: string, bytes: Buffer): Promise<number> {
  const post = await reg.request('POST', `/v2/${repo}/blobs/uploads/`);
  const location = String(post.headers.location);
  const put = await reg.request('PUT', `${location}${location.includes('?') ? '&' : '?'}digest=${sha256(bytes)}`, { body: bytes, headers: octet });
  return put.status;
}

function firstErrorCode(body: Buffer): string {
  return bodyJson<{ errors: Array<{ code: string }> }>({ status: 0, headers: {}, body }).errors[0]!.code;
}

for (const store of STORES) {
  describe(`OCI conformance workflows [${store}]`, () => {
    describe('Pull', () => {
      const registry = workflowRegistry(store);
      const repo = 'conformance/pull';
      const config = json({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
      const layer = randomBytes(1234);
      const manifest = imageManifest(descriptor(OCI_CONFIG, config), [descriptor(OCI_LAYER, layer)]);
      const manifestDigest = sha256(manifest);
      let tag = '';

      it('setup: populate the registry with a config blob, a layer and a tagged manifest', async () => {
        const reg = registry();
        expect(is2xx(await postPut(reg, repo, config))).toBe(true);
        expect(is2xx(await postPut(reg, repo, layer))).toBe(true);
        const put = await reg.request('PUT', `/v2/${repo}/manifests/tagtest0`, { body: manifest, headers: { 'content-type': OCI_MANIFEST } });
        expect(is2xx(put.status)).toBe(true);
        const list = await reg.request('GET', `/v2/${repo}/tags/list`);
        tag = bodyJson<{ tags: string[] }>(list).tags[0]!;
        expect(tag).toBe('tagtest0');
      });

      it('pull blobs: HEAD/GET of a nonexistent blob give 404; of an existing blob 200 with its digest', async () => {
        const reg = registry();
        expect((await reg.request('HEAD', `/v2/${repo}/blobs/${ABSENT_DIGEST}`)).status).toBe(404);
        const head = await reg.request('HEAD', `/v2/${repo}/blobs/${sha256(config)}`);
        expect(head.status).toBe(200);
        expect(head.headers['docker-content-digest']).toBe(sha256(config));
        expect((await reg.request('GET', `/v2/${repo}/blobs/${ABSENT_DIGEST}`)).status).toBe(404);
        const get = await reg.request('GET', `/v2/${repo}/blobs/${sha256(layer)}`);
        expect(get.status).toBe(200);
        expect(sha256(get.body)).toBe(sha256(layer));
      });

      it('pull manifests: nonexistent gives 404; by digest and by tag, HEAD and GET give 200 with the digest', async () => {
        const reg = registry();
        const accept = { accept: OCI_MANIFEST };
        expect((await reg.request('HEAD', `/v2/${repo}/manifests/nonexistent`, { headers: accept })).status).toBe(404);
        expect((await reg.request('GET', `/v2/${repo}/manifests/nonexistent`, { headers: accept })).status).toBe(404);
        for (const ref of [manifestDigest, tag]) {
          for (const method of ['HEAD', 'GET']) {
            const res = await reg.request(method, `/v2/${repo}/manifests/${ref}`, { headers: accept });
            expect(res.status, `${method} ${ref}`).toBe(200);
            expect(res.headers['docker-content-digest']).toBe(manifestDigest);
            if (method === 'GET') expect(res.body.equals(manifest)).toBe(true);
          }
        }
      });

      it('error codes: a 400 body is OCI-conforming JSON with a code the spec defines', async () => {
        const reg = registry();
        const res = await reg.request('PUT', `/v2/${repo}/manifests/sha256:totallywrong`, {
          body: json({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: 'nope', layers: 'nope' }),
          headers: { 'content-type': OCI_MANIFEST },
        });
        expect([400, 404]).toContain(res.status);
        expect(OCI_ERROR_CODES).toContain(firstErrorCode(res.body));
      });

      it('teardown: delete the manifest, then its blobs', async () => {
        const reg = registry();
        expect(is2xx((await reg.request('DELETE', `/v2/${repo}/manifests/${manifestDigest}`)).status)).toBe(true);
        expect(is2xx((await reg.request('DELETE', `/v2/${repo}/blobs/${sha256(config)}`)).status)).toBe(true);
        expect(is2xx((await reg.request('DELETE', `/v2/${repo}/blobs/${sha256(layer)}`)).status)).toBe(true);
      });
    });

    describe('Push', () => {
      const registry = workflowRegistry(store);
      const repo = 'conformance/push';
      const blobA = randomBytes(700);
      const config = json({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
      const blobB = randomBytes(2000);
      const [chunk1, chunk2] = [blobB.subarray(0, 1200), blobB.subarray(1200)];
      const emptyLayer = Buffer.alloc(0);
      const manifest = imageManifest(descriptor(OCI_CONFIG, config), [descriptor(OCI_LAYER, blobB)]);
      let last = '';

      it('streamed: PATCH with the blob in the body gives 202', async () => {
        const reg = registry();
        const post = await reg.request('POST', `/v2/${repo}/blobs/uploads/`);
        expect(post.headers.location).toBeTruthy();
        const patch = await reg.request('PATCH', String(post.headers.location), { body: blobA, headers: octet });
        expect(patch.status).toBe(202);
        last = String(patch.headers.location);
      });

      it('streamed: PUT to the session URL with the digest gives 201', async () => {
        const reg = registry();
        const put = await reg.request('PUT', `${last}?digest=${sha256(blobA)}`, { headers: octet });
        expect(put.status).toBe(201);
        expect(put.headers.location).toBeTruthy();
      });

      it('monolithic: GET of a nonexistent blob gives 404', async () => {
        expect((await registry().request('GET', `/v2/${repo}/blobs/${sha256(config)}`)).status).toBe(404);
      });

      it('monolithic: POST with digest and blob gives 201; the blob is then readable', async () => {
        const reg = registry();
        const post = await reg.request('POST', `/v2/${repo}/blobs/uploads/?digest=${sha256(config)}`, { body: config, headers: octet });
        expect(post.status).toBe(201);
        expect(post.headers.location).toBeTruthy();
        expect((await reg.request('GET', `/v2/${repo}/blobs/${sha256(config)}`)).status).toBe(200);
      });

      it('monolithic: POST yields a session; PUT of the whole blob gives 201', async () => {
        const reg = registry();
        const post = await reg.request('POST', `/v2/${repo}/blobs/uploads/`);
        expect(post.status).toBe(202);
        const put = await reg.request('PUT', `${String(post.headers.location)}?digest=${sha256(config)}`, { body: config, headers: octet });
        expect(put.status).toBe(201);
        expect(put.headers.location).toBeTruthy();
        expect((await reg.request('GET', `/v2/${repo}/blobs/${sha256(config)}`)).status).toBe(200);
      });

      it('chunked: an out-of-order chunk gives 416', async () => {
        const reg = registry();
        const post = await reg.request('POST', `/v2/${repo}/blobs/uploads/`, { headers: { 'content-length': '0' } });
        const patch = await reg.request('PATCH', String(post.headers.location), {
          body: chunk2,
          headers: { ...octet, 'content-range': `${chunk1.length}-${blobB.length - 1}` },
        });
        expect(patch.status).toBe(416);
      });

      it('chunked: PATCH with the first chunk gives 202; PUT with the final chunk gives 201', async () => {
        const reg = registry();
        const post = await reg.request('POST', `/v2/${repo}/blobs/uploads/`, { headers: { 'content-length': '0' } });
        const patch = await reg.request('PATCH', String(post.headers.location), {
          body: chunk1,
          headers: { ...octet, 'content-range': `0-${chunk1.length - 1}` },
        });
        expect(patch.status).toBe(202);
        const put = await reg.request('PUT', `${String(patch.headers.location)}?digest=${sha256(blobB)}`, {
          body: chunk2,
          headers: { ...octet, 'content-range': `${chunk1.length}-${blobB.length - 1}` },
        });
        expect(put.status).toBe(201);
        expect(put.headers.location).toBeTruthy();
      });

      it('cross-repository mount: 201 from a repository holding the blob, 202 otherwise', async () => {
        const reg = registry();
        const mounted = await reg.request('POST', `/v2/${repo}/mounted/blobs/uploads/?mount=${sha256(blobA)}&from=${repo}`);
        expect(mounted.status).toBe(201);
        expect(mounted.headers.location).toBe(`/v2/${repo}/mounted/blobs/${sha256(blobA)}`);
        expect((await reg.request('GET', String(mounted.headers.location))).body.equals(blobA)).toBe(true);
        const fallback = await reg.request('POST', `/v2/${repo}/mounted/blobs/uploads/?mount=${ABSENT_DIGEST}&from=${repo}`);
        expect(fallback.status).toBe(202);
        expect(fallback.headers.location).toBeTruthy();
      });

      it('manifest upload: GET of a nonexistent manifest gives 404; PUT under four tags gives 201 with Location', async () => {
        const reg = registry();
        expect((await reg.request('GET', `/v2/${repo}/manifests/test0`)).status).toBe(404);
        for (let i = 0; i < 4; i++) {
          const put = await reg.request('PUT', `/v2/${repo}/manifests/test${i}`, { body: manifest, headers: { 'content-type': OCI_MANIFEST } });
          expect(put.status).toBe(201);
          expect(put.headers.location).toBeTruthy();
        }
        const get = await reg.request('GET', `/v2/${repo}/manifests/${sha256(manifest)}`, { headers: { accept: OCI_MANIFEST } });
        expect(get.status).toBe(200);
      });

      it('an image with an empty (0-byte) layer can be pushed', async () => {
        const reg = registry();
        expect(await postPut(reg, repo, emptyLayer)).toBe(201);
        const withEmpty = imageManifest(descriptor(OCI_CONFIG, config), [descriptor(OCI_LAYER, emptyLayer)]);
        expect((await reg.request('PUT', `/v2/${repo}/manifests/emptylayer`, { body: withEmpty, headers: { 'content-type': OCI_MANIFEST } })).status).toBe(201);
      });

      it('teardown: delete the manifests and blobs created', async () => {
        const reg = registry();
        expect(is2xx((await reg.request('DELETE', `/v2/${repo}/manifests/${sha256(manifest)}`)).status)).toBe(true);
        expect(is2xx((await reg.request('DELETE', `/v2/${repo}/blobs/${sha256(blobA)}`)).status)).toBe(true);
      });
    });

    describe('Content Discovery', () => {
      const registry = workflowRegistry(store);
      const repo = 'conformance/discovery';
      const config = json({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, n: 'discovery' });
      const layer = randomBytes(900);
      const subjectManifest = imageManifest(descriptor(OCI_CONFIG, config), [descriptor(OCI_LAYER, layer)]);
      const subject = descriptor(OCI_MANIFEST, subjectManifest);
      const missingSubject = descriptor(OCI_MANIFEST, json({ schemaVersion: 2, never: 'pushed' }));
      const artifactTypeA = 'application/vnd.example.conformance.a';
      const artifactTypeB = 'application/vnd.example.conformance.b';
      const refBlobA = randomBytes(100);
      const refBlobB = randomBytes(100);
      const annotation = (value: string) => ({ 'org.opencontainers.conformance.test': value });
      // Referrers with the artifact type on the config, or as artifactType with the empty config.
      const refConfigA = imageManifest(descriptor(artifactTypeA, EMPTY_JSON), [descriptor(OCI_LAYER, refBlobA)], { subject, annotations: annotation('config A') });
      const refLayerA = imageManifest(descriptor(OCI_EMPTY, EMPTY_JSON), [descriptor(OCI_LAYER, refBlobA)], { artifactType: artifactTypeA, subject, annotations: annotation('layer A') });
      const refIndex = indexManifest([descriptor(OCI_MANIFEST, refConfigA), descriptor(OCI_MANIFEST, refLayerA)], { artifactType: 'application/vnd.example.conformance.index', subject, annotations: annotation('index') });
      const refConfigB = imageManifest(descriptor(artifactTypeB, EMPTY_JSON), [descriptor(OCI_LAYER, refBlobB)], { subject, annotations: annotation('config B') });
      const refLayerB = imageManifest(descriptor(OCI_EMPTY, EMPTY_JSON), [descriptor(OCI_LAYER, refBlobB)], { artifactType: artifactTypeB, subject, annotations: annotation('layer B') });
      const refToMissing = imageManifest(descriptor(OCI_EMPTY, EMPTY_JSON), [descriptor(OCI_LAYER, refBlobB)], { artifactType: artifactTypeB, subject: missingSubject, annotations: annotation('missing') });
      const annotations = new Map([refConfigA, refLayerA, refIndex, refConfigB, refLayerB].map((m) => [sha256(m), (JSON.parse(m.toString()) as { annotations: Record<string, string> }).annotations]));
      const numTags = 4;

      const putManifest = async (reg: TestRegistry, ref: string, body: Buffer, type: string) =>
        reg.request('PUT', `/v2/${repo}/manifests/${ref}`, { body, headers: { 'content-type': type } });

      it('setup: populate the registry with blobs, tags and referrers (some pushed before their subject)', async () => {
        const reg = registry();
        expect(is2xx(await postPut(reg, repo, config))).toBe(true);
        expect(is2xx(await postPut(reg, repo, layer))).toBe(true);
        for (let i = 0; i < numTags; i++) expect(is2xx((await putManifest(reg, `test${i}`, subjectManifest, OCI_MANIFEST)).status)).toBe(true);

        expect(sha256(EMPTY_JSON)).toBe(EMPTY_JSON_DIGEST);
        expect(is2xx(await postPut(reg, repo, EMPTY_JSON))).toBe(true);
        expect(is2xx(await postPut(reg, repo, refBlobA))).toBe(true);
        for (const [body, type] of [
          [refConfigA, OCI_MANIFEST],
          [refLayerA, OCI_MANIFEST],
          [refIndex, OCI_INDEX],
        ] as const) {
          const res = await putManifest(reg, sha256(body), body, type);
          expect(is2xx(res.status)).toBe(true);
          expect(res.headers['oci-subject']).toBe(subject.digest);
        }
        expect(is2xx((await putManifest(reg, 'tagtest0', subjectManifest, OCI_MANIFEST)).status)).toBe(true);
        expect(is2xx(await postPut(reg, repo, refBlobB))).toBe(true);
        for (const body of [refConfigB, refLayerB]) {
          const res = await putManifest(reg, sha256(body), body, OCI_MANIFEST);
          expect(is2xx(res.status)).toBe(true);
          expect(res.headers['oci-subject']).toBe(subject.digest);
        }
        const missing = await putManifest(reg, sha256(refToMissing), refToMissing, OCI_MANIFEST);
        expect(is2xx(missing.status)).toBe(true);
        expect(missing.headers['oci-subject']).toBe(missingSubject.digest);
      });

      it('listing tags: 200 with every tag; n limits the count; last sets the start', async () => {
        const reg = registry();
        const all = bodyJson<{ tags: string[] }>(await reg.request('GET', `/v2/${repo}/tags/list`)).tags;
        expect(all).toEqual(['tagtest0', 'test0', 'test1', 'test2', 'test3']);
        const half = Math.floor(all.length / 2);
        const limited = await reg.request('GET', `/v2/${repo}/tags/list?n=${half}`);
        expect(limited.status).toBe(200);
        const first = bodyJson<{ tags: string[] }>(limited).tags;
        expect(first).toHaveLength(half);
        const next = await reg.request('GET', `/v2/${repo}/tags/list?n=${half}&last=${first[half - 1]}`);
        expect(next.status).toBe(200);
        const rest = bodyJson<{ tags: string[] }>(next).tags;
        expect(rest.length).toBeLessThanOrEqual(half);
        expect(rest).not.toContain(first[half - 1]);
        expect(rest).toEqual(all.slice(half, half * 2));
      });

      it('listing referrers: a nonexistent subject gives 200 and an empty index', async () => {
        const res = await registry().request('GET', `/v2/${repo}/referrers/${ABSENT_DIGEST}`);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe(OCI_INDEX);
        expect(bodyJson<{ manifests: unknown[] }>(res).manifests).toHaveLength(0);
      });

      it('listing referrers: the subject has five, each with its annotations', async () => {
        const res = await registry().request('GET', `/v2/${repo}/referrers/${subject.digest}`);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe(OCI_INDEX);
        const { manifests } = bodyJson<{ manifests: Descriptor[] }>(res);
        expect(manifests).toHaveLength(5);
        expect(new Set(manifests.map((m) => m.digest)).size).toBe(5);
        for (const m of manifests) expect(m.annotations).toEqual(annotations.get(m.digest));
      });

      it('listing referrers: filtered by artifactType, with OCI-Filters-Applied', async () => {
        const res = await registry().request('GET', `/v2/${repo}/referrers/${subject.digest}?artifactType=${encodeURIComponent(artifactTypeA)}`);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe(OCI_INDEX);
        expect(res.headers['oci-filters-applied']).toBe('artifactType');
        const { manifests } = bodyJson<{ manifests: Descriptor[] }>(res);
        expect(manifests).toHaveLength(2);
        for (const m of manifests) {
          expect(m.artifactType).toBe(artifactTypeA);
          expect(m.annotations).toEqual(annotations.get(m.digest));
        }
      });

      it('listing referrers: a subject that was never pushed lists the one referrer pushed for it', async () => {
        const res = await registry().request('GET', `/v2/${repo}/referrers/${missingSubject.digest}`);
        expect(res.status).toBe(200);
        const { manifests } = bodyJson<{ manifests: Descriptor[] }>(res);
        expect(manifests.map((m) => m.digest)).toEqual([sha256(refToMissing)]);
      });

      it('teardown: delete referrers, the index first, then the subject and its tags', async () => {
        const reg = registry();
        for (const body of [refIndex, refConfigA, refLayerA, refConfigB, refLayerB, refToMissing, subjectManifest]) {
          expect(is2xx((await reg.request('DELETE', `/v2/${repo}/manifests/${sha256(body)}`)).status)).toBe(true);
        }
        expect(bodyJson<{ tags: string[] }>(await reg.request('GET', `/v2/${repo}/tags/list`)).tags).toEqual([]);
      });
    });

    describe('Content Management', () => {
      const registry = workflowRegistry(store);
      const repo = 'conformance/management';
      const config = json({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, n: 'management' });
      const manifest = imageManifest(descriptor(OCI_CONFIG, config), []);
      const manifestDigest = sha256(manifest);
      let numTags = 0;

      it('setup: populate the registry with a blob and a tag; count the tags', async () => {
        const reg = registry();
        expect(is2xx(await postPut(reg, repo, config))).toBe(true);
        expect(is2xx((await reg.request('PUT', `/v2/${repo}/manifests/tagtest0`, { body: manifest, headers: { 'content-type': OCI_MANIFEST } })).status)).toBe(true);
        expect(is2xx((await reg.request('PUT', `/v2/${repo}/manifests/keep`, { body: manifest, headers: { 'content-type': OCI_MANIFEST } })).status)).toBe(true);
        const list = await reg.request('GET', `/v2/${repo}/tags/list`);
        expect(list.status).toBe(200);
        numTags = bodyJson<{ tags: string[] }>(list).tags.length;
        expect(numTags).toBe(2);
      });

      it('manifest delete: DELETE of a tag gives 202', async () => {
        expect((await registry().request('DELETE', `/v2/${repo}/manifests/tagtest0`)).status).toBe(202);
      });

      it('manifest delete: DELETE by digest gives 202; the manifest is then 404', async () => {
        const reg = registry();
        expect((await reg.request('DELETE', `/v2/${repo}/manifests/${manifestDigest}`)).status).toBe(202);
        expect((await reg.request('GET', `/v2/${repo}/manifests/${manifestDigest}`)).status).toBe(404);
      });

      it('manifest delete: the tags list reflects it', async () => {
        const list = await registry().request('GET', `/v2/${repo}/tags/list`);
        expect(list.status).toBe(200);
        expect(bodyJson<{ tags: string[] }>(list).tags.length).toBeLessThan(numTags);
      });

      it('blob delete: DELETE gives 202; GET is then 404', async () => {
        const reg = registry();
        expect((await reg.request('DELETE', `/v2/${repo}/blobs/${sha256(config)}`)).status).toBe(202);
        expect((await reg.request('GET', `/v2/${repo}/blobs/${sha256(config)}`)).status).toBe(404);
      });
    });
  });
}
