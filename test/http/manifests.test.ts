// Manifest push/pull/delete, content negotiation, validation errors, tag listing and the catalog,
// over HTTP against a real server, on each metadata store.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pushBlob } from '../helpers/registry-http.js';
import { expectOciError, testStores, useTestRegistry, type TestRegistry } from '../helpers/test-registry.js';
import {
  ABSENT_DIGEST,
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  EMPTY_JSON,
  EMPTY_JSON_DIGEST,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_LAYER,
  OCI_MANIFEST,
  bodyJson,
  buildImage,
  descriptor,
  imageManifest,
  indexManifest,
  json,
  pushBuiltImage,
  putManifest,
  sha256,
  sha512,
  type BuiltImage,
} from './fixtures.js';

const STORES = await testStores();
const MiB = 1024 * 1024;

/** GET (or HEAD) a manifest and check what every pull must see: status, type, length, digest and bytes. */
async function expectManifest(reg: TestRegistry, repo: string, ref: string, image: { manifest: Buffer; mediaType: string }, accept?: string) {
  const headers = accept ? { accept } : undefined;
  const get = await reg.request('GET', `/v2/${repo}/manifests/${ref}`, { headers });
  expect(get.status, `GET ${ref}: ${get.body.toString().slice(0, 300)}`).toBe(200);
  expect(get.headers['content-type']).toBe(image.mediaType);
  expect(get.headers['content-length']).toBe(String(image.manifest.length));
  expect(get.headers['docker-content-digest']).toBe(sha256(image.manifest));
  expect(get.body.equals(image.manifest)).toBe(true);
  const head = await reg.request('HEAD', `/v2/${repo}/manifests/${ref}`, { headers });
  expect(head.status).toBe(200);
  expect(head.body.length).toBe(0);
  expect(head.headers['content-type']).toBe(image.mediaType);
  expect(head.headers['content-length']).toBe(String(image.manifest.length));
  expect(head.headers['docker-content-digest']).toBe(sha256(image.manifest));
}

async function tags(reg: TestRegistry, repo: string, query = ''): Promise<{ tags: string[]; link: string | undefined }> {
  const res = await reg.request('GET', `/v2/${repo}/tags/list${query}`);
  expect(res.status, res.body.toString()).toBe(200);
  const body = bodyJson<{ name: string; tags: string[] }>(res);
  expect(body.name).toBe(repo);
  return { tags: body.tags, link: res.headers.link as string | undefined };
}

/** A pushed image manifest with one layer, under `tag`. */
async function pushed(reg: TestRegistry, repo: string, tag?: string, opts: Parameters<typeof buildImage>[0] = {}): Promise<BuiltImage> {
  const image = buildImage(opts);
  const res = await pushBuiltImage(reg, repo, image, tag);
  expect(res.status, res.body.toString()).toBe(201);
  return image;
}

for (const store of STORES) {
  describe(`manifests [${store}]`, () => {
    const registry = useTestRegistry({ store });

    describe('push and pull', () => {
      it('PUT by tag: 201 with Location and Docker-Content-Digest; GET/HEAD by tag and by digest serve it exactly', async () => {
        const reg = registry();
        const image = buildImage({ layers: 2 });
        const res = await pushBuiltImage(reg, 'app/web', image, 'v1');
        expect(res.status).toBe(201);
        expect(res.headers.location).toBe(`/v2/app/web/manifests/${image.digest}`);
        expect(res.headers['docker-content-digest']).toBe(image.digest);
        expect(res.headers['oci-subject']).toBeUndefined();
        await expectManifest(reg, 'app/web', 'v1', image, OCI_MANIFEST);
        await expectManifest(reg, 'app/web', image.digest, image, OCI_MANIFEST);
        await expectManifest(reg, 'app/web', 'v1', image);
        expect((await tags(reg, 'app/web')).tags).toEqual(['v1']);
      });

      it('PUT by digest: 201; the manifest is pullable by digest and untagged', async () => {
        const reg = registry();
        const image = buildImage();
        const res = await pushBuiltImage(reg, 'app/bydigest', image, image.digest);
        expect(res.status).toBe(201);
        expect(res.headers.location).toBe(`/v2/app/bydigest/manifests/${image.digest}`);
        expect(res.headers['docker-content-digest']).toBe(image.digest);
        await expectManifest(reg, 'app/bydigest', image.digest, image);
        expect((await tags(reg, 'app/bydigest')).tags).toEqual([]);
      });

      it('PUT by a sha512 digest stores it under that digest', async () => {
        const reg = registry();
        const image = buildImage();
        for (const bytes of image.blobs.values()) await pushBlob(reg, 'app/sha512', bytes);
        const digest = sha512(image.manifest);
        const res = await putManifest(reg, 'app/sha512', digest, image.manifest, OCI_MANIFEST);
        expect(res.status).toBe(201);
        expect(res.headers['docker-content-digest']).toBe(digest);
        const get = await reg.request('GET', `/v2/app/sha512/manifests/${digest}`);
        expect(get.status).toBe(200);
        expect(get.body.equals(image.manifest)).toBe(true);
        expect(get.headers['docker-content-digest']).toBe(digest);
      });

      it('re-pushing a tag moves it; pushing the same manifest again is idempotent', async () => {
        const reg = registry();
        const first = await pushed(reg, 'app/move', 'latest');
        const second = await pushed(reg, 'app/move', 'latest');
        await expectManifest(reg, 'app/move', 'latest', second);
        await expectManifest(reg, 'app/move', first.digest, first);
        const again = await putManifest(reg, 'app/move', 'latest', second.manifest, OCI_MANIFEST);
        expect(again.status).toBe(201);
        expect(again.headers['docker-content-digest']).toBe(second.digest);
        expect((await tags(reg, 'app/move')).tags).toEqual(['latest']);
      });

      it('Docker v2 schema 2 manifest and manifest list', async () => {
        const reg = registry();
        const amd64 = await pushed(reg, 'docker/img', undefined, { docker: true, architecture: 'amd64' });
        const arm64 = await pushed(reg, 'docker/img', undefined, { docker: true, architecture: 'arm64' });
        await expectManifest(reg, 'docker/img', amd64.digest, amd64, DOCKER_MANIFEST);
        const list = indexManifest([amd64.descriptor, arm64.descriptor], { mediaType: DOCKER_MANIFEST_LIST });
        const res = await putManifest(reg, 'docker/img', 'multi', list, DOCKER_MANIFEST_LIST);
        expect(res.status).toBe(201);
        await expectManifest(reg, 'docker/img', 'multi', { manifest: list, mediaType: DOCKER_MANIFEST_LIST }, `${DOCKER_MANIFEST_LIST}, ${DOCKER_MANIFEST}`);
      });

      it('OCI image index over two platform manifests', async () => {
        const reg = registry();
        const amd64 = await pushed(reg, 'oci/multi', undefined, { architecture: 'amd64' });
        const arm64 = await pushed(reg, 'oci/multi', undefined, { architecture: 'arm64' });
        const index = indexManifest([amd64.descriptor, arm64.descriptor]);
        expect((await putManifest(reg, 'oci/multi', 'v1', index, OCI_INDEX)).status).toBe(201);
        await expectManifest(reg, 'oci/multi', 'v1', { manifest: index, mediaType: OCI_INDEX }, `${OCI_INDEX}, ${OCI_MANIFEST}`);
      });

      it('an OCI artifact: artifactType with the empty config', async () => {
        const reg = registry();
        await pushBlob(reg, 'oci/artifact', EMPTY_JSON);
        const payload = randomBytes(200);
        await pushBlob(reg, 'oci/artifact', payload);
        const config = descriptor(OCI_EMPTY, EMPTY_JSON);
        expect(config.digest).toBe(EMPTY_JSON_DIGEST);
        const manifest = imageManifest(config, [descriptor('application/vnd.example.payload', payload)], {
          artifactType: 'application/vnd.example.thing.v1',
          annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
        });
        const res = await putManifest(reg, 'oci/artifact', 'thing', manifest, OCI_MANIFEST);
        expect(res.status).toBe(201);
        await expectManifest(reg, 'oci/artifact', 'thing', { manifest, mediaType: OCI_MANIFEST });
      });

      it('a body without mediaType takes its type from Content-Type (as umoci pushes)', async () => {
        const reg = registry();
        for (const [type, repo] of [
          [DOCKER_MANIFEST, 'bare/docker'],
          [OCI_MANIFEST, 'bare/oci'],
        ] as const) {
          const image = buildImage({ docker: type === DOCKER_MANIFEST, fields: { mediaType: null } });
          for (const bytes of image.blobs.values()) await pushBlob(reg, repo, bytes);
          expect((await putManifest(reg, repo, 'v1', image.manifest, `${type}; charset=utf-8`)).status).toBe(201);
          await expectManifest(reg, repo, 'v1', { manifest: image.manifest, mediaType: type });
        }
      });

      it('a manifest of exactly 4 MiB is accepted', async () => {
        const reg = registry();
        const image = buildImage();
        for (const bytes of image.blobs.values()) await pushBlob(reg, 'big/ok', bytes);
        const base = JSON.parse(image.manifest.toString()) as Record<string, unknown>;
        const empty = json({ ...base, annotations: { pad: '' } }).length;
        const manifest = json({ ...base, annotations: { pad: 'x'.repeat(4 * MiB - empty) } });
        expect(manifest.length).toBe(4 * MiB);
        expect((await putManifest(reg, 'big/ok', 'v1', manifest, OCI_MANIFEST)).status).toBe(201);
        await expectManifest(reg, 'big/ok', 'v1', { manifest, mediaType: OCI_MANIFEST });
      });
    });

    describe('content negotiation', () => {
      it('an OCI manifest is withheld (404 MANIFEST_UNKNOWN) when Accept lists only Docker types', async () => {
        const reg = registry();
        const image = await pushed(reg, 'neg/oci', 'v1');
        const dockerOnly = `${DOCKER_MANIFEST}, ${DOCKER_MANIFEST_LIST}`;
        expectOciError(await reg.request('GET', '/v2/neg/oci/manifests/v1', { headers: { accept: dockerOnly } }), 404, 'MANIFEST_UNKNOWN');
        expectOciError(await reg.request('HEAD', `/v2/neg/oci/manifests/${image.digest}`, { headers: { accept: dockerOnly } }), 404, 'MANIFEST_UNKNOWN', 'HEAD');
        for (const accept of [OCI_MANIFEST, `${DOCKER_MANIFEST};q=0.9, ${OCI_MANIFEST};q=0.5`, '*/*', 'application/*']) {
          await expectManifest(reg, 'neg/oci', 'v1', image, accept);
        }
      });

      it('an OCI index is withheld when Accept lists only image manifest types', async () => {
        const reg = registry();
        const child = await pushed(reg, 'neg/index');
        const index = indexManifest([child.descriptor]);
        expect((await putManifest(reg, 'neg/index', 'v1', index, OCI_INDEX)).status).toBe(201);
        expectOciError(await reg.request('GET', '/v2/neg/index/manifests/v1', { headers: { accept: OCI_MANIFEST } }), 404, 'MANIFEST_UNKNOWN');
        await expectManifest(reg, 'neg/index', 'v1', { manifest: index, mediaType: OCI_INDEX }, `${OCI_MANIFEST}, ${OCI_INDEX}`);
      });

      it('Docker manifests are served whatever the Accept header lists (old clients send partial lists)', async () => {
        const reg = registry();
        const image = await pushed(reg, 'neg/docker', 'v1', { docker: true });
        await expectManifest(reg, 'neg/docker', 'v1', image, OCI_MANIFEST);
      });
    });

    describe('validation', () => {
      it('a manifest referencing a blob the repository lacks: 400 MANIFEST_BLOB_UNKNOWN, nothing stored', async () => {
        const reg = registry();
        const image = buildImage();
        await pushBlob(reg, 'val/blob', image.config); // the layer is missing
        const res = await putManifest(reg, 'val/blob', 'v1', image.manifest, OCI_MANIFEST);
        const body = expectOciError(res, 400, 'MANIFEST_BLOB_UNKNOWN');
        expect(JSON.stringify(body)).toContain(sha256(image.layers[0]!));
        expectOciError(await reg.request('GET', `/v2/val/blob/manifests/${image.digest}`), 404, 'MANIFEST_UNKNOWN');
        expect((await tags(reg, 'val/blob')).tags).toEqual([]);
      });

      it('a blob held only by another repository does not count: 400 MANIFEST_BLOB_UNKNOWN', async () => {
        const reg = registry();
        const image = buildImage();
        for (const bytes of image.blobs.values()) await pushBlob(reg, 'val/elsewhere', bytes);
        await pushBlob(reg, 'val/here', randomBytes(4));
        expectOciError(await putManifest(reg, 'val/here', 'v1', image.manifest, OCI_MANIFEST), 400, 'MANIFEST_BLOB_UNKNOWN');
      });

      it('an index listing a manifest the repository lacks: 400 MANIFEST_BLOB_UNKNOWN', async () => {
        const reg = registry();
        const present = await pushed(reg, 'val/index');
        const absent = buildImage();
        const index = indexManifest([present.descriptor, absent.descriptor]);
        expectOciError(await putManifest(reg, 'val/index', 'v1', index, OCI_INDEX), 400, 'MANIFEST_BLOB_UNKNOWN');
        expectOciError(await reg.request('GET', '/v2/val/index/manifests/v1'), 404, 'MANIFEST_UNKNOWN');
      });

      it('invalid JSON or an invalid document: 400 MANIFEST_INVALID', async () => {
        const reg = registry();
        const image = await pushed(reg, 'val/invalid');
        const doc = JSON.parse(image.manifest.toString()) as Record<string, unknown>;
        const invalid: Array<[string, Buffer, string]> = [
          ['not JSON', Buffer.from('{"schemaVersion":'), OCI_MANIFEST],
          ['an array', json([doc]), OCI_MANIFEST],
          ['schemaVersion 1', json({ ...doc, schemaVersion: 1 }), OCI_MANIFEST],
          ['no config', json({ ...doc, config: undefined }), OCI_MANIFEST],
          ['layers not a list', json({ ...doc, layers: {} }), OCI_MANIFEST],
          ['a layer with a bad digest', json({ ...doc, layers: [{ mediaType: OCI_LAYER, digest: 'sha256:nope', size: 1 }] }), OCI_MANIFEST],
          ['a negative size', json({ ...doc, layers: [{ mediaType: OCI_LAYER, digest: ABSENT_DIGEST, size: -1 }] }), OCI_MANIFEST],
          ['a body type that contradicts Content-Type', image.manifest, DOCKER_MANIFEST],
          ['an index without manifests', json({ schemaVersion: 2, mediaType: OCI_INDEX }), OCI_INDEX],
          ['Docker schema 1', json({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws' }), 'application/vnd.docker.distribution.manifest.v1+prettyjws'],
          ['an unknown media type', json({ ...doc, mediaType: 'application/x-nonsense' }), 'application/x-nonsense'],
          ['annotations that are not strings', json({ ...doc, annotations: { a: 1 } }), OCI_MANIFEST],
        ];
        for (const [what, body, type] of invalid) {
          const res = await putManifest(reg, 'val/invalid', 'bad', body, type);
          expect(res.status, what).toBe(400);
          expectOciError(res, 400, 'MANIFEST_INVALID');
        }
        expectOciError(await reg.request('GET', '/v2/val/invalid/manifests/bad'), 404, 'MANIFEST_UNKNOWN');
      });

      it('a manifest over 4 MiB: 413, whether Content-Length announces it or not', async () => {
        const reg = registry();
        await pushBlob(reg, 'val/huge', randomBytes(4));
        const huge = Buffer.alloc(4 * MiB + 1, 0x20);
        expectOciError(await putManifest(reg, 'val/huge', 'v1', huge, OCI_MANIFEST), 413, 'MANIFEST_INVALID');
        await reg.expectAlive();
        const chunked = await reg.request('PUT', '/v2/val/huge/manifests/v1', {
          body: Buffer.alloc(5 * MiB, 0x20),
          headers: { 'content-type': OCI_MANIFEST, 'transfer-encoding': 'chunked' },
        });
        expectOciError(chunked, 413, 'MANIFEST_INVALID');
        // The connection the client keeps alive must still serve its next request.
        await reg.expectAlive();
        expectOciError(await reg.request('GET', '/v2/val/huge/manifests/v1'), 404, 'MANIFEST_UNKNOWN');
      });

      it('a digest reference that does not match the body: 400 DIGEST_INVALID, nothing stored', async () => {
        const reg = registry();
        const image = buildImage();
        for (const bytes of image.blobs.values()) await pushBlob(reg, 'val/digest', bytes);
        const wrong = sha256(Buffer.from('another manifest'));
        expectOciError(await putManifest(reg, 'val/digest', wrong, image.manifest, OCI_MANIFEST), 400, 'DIGEST_INVALID');
        expectOciError(await reg.request('GET', `/v2/val/digest/manifests/${wrong}`), 404, 'MANIFEST_UNKNOWN');
        expectOciError(await reg.request('GET', `/v2/val/digest/manifests/${image.digest}`), 404, 'MANIFEST_UNKNOWN');
      });

      it('invalid references: a malformed digest gives 400 DIGEST_INVALID, an invalid tag 400 MANIFEST_INVALID', async () => {
        const reg = registry();
        const image = await pushed(reg, 'val/ref', 'v1');
        for (const method of ['GET', 'PUT', 'DELETE']) {
          const opts = method === 'PUT' ? { body: image.manifest, headers: { 'content-type': OCI_MANIFEST } } : {};
          expectOciError(await reg.request(method, '/v2/val/ref/manifests/sha256:totallywrong', opts), 400, 'DIGEST_INVALID');
          for (const tag of ['-dash', '.dot', 't'.repeat(129), 'a%20b']) {
            expectOciError(await reg.request(method, `/v2/val/ref/manifests/${tag}`, opts), 400, 'MANIFEST_INVALID');
          }
        }
        // The longest valid tag is fine.
        expect((await putManifest(reg, 'val/ref', 't'.repeat(128), image.manifest, OCI_MANIFEST)).status).toBe(201);
      });

      it('unknown manifests: 404 MANIFEST_UNKNOWN (by tag and digest, GET and HEAD); unknown repository: 404 NAME_UNKNOWN', async () => {
        const reg = registry();
        const image = await pushed(reg, 'val/known', 'v1');
        expectOciError(await reg.request('GET', '/v2/val/known/manifests/nope'), 404, 'MANIFEST_UNKNOWN');
        expectOciError(await reg.request('HEAD', '/v2/val/known/manifests/nope'), 404, 'MANIFEST_UNKNOWN', 'HEAD');
        expectOciError(await reg.request('GET', `/v2/val/known/manifests/${ABSENT_DIGEST}`), 404, 'MANIFEST_UNKNOWN');
        expectOciError(await reg.request('GET', '/v2/val/unknown/manifests/v1'), 404, 'NAME_UNKNOWN');
        expectOciError(await reg.request('HEAD', '/v2/val/unknown/manifests/v1'), 404, 'NAME_UNKNOWN', 'HEAD');
        // Another repository's manifest is not reachable by digest.
        await pushed(reg, 'val/other');
        expectOciError(await reg.request('GET', `/v2/val/other/manifests/${image.digest}`), 404, 'MANIFEST_UNKNOWN');
      });
    });

    describe('DELETE', () => {
      it('by digest: 202; the manifest and all its tags are gone', async () => {
        const reg = registry();
        const image = await pushed(reg, 'del/m', 'a');
        expect((await putManifest(reg, 'del/m', 'b', image.manifest, OCI_MANIFEST)).status).toBe(201);
        const keep = await pushed(reg, 'del/m', 'keep');
        const res = await reg.request('DELETE', `/v2/del/m/manifests/${image.digest}`);
        expect(res.status).toBe(202);
        for (const ref of [image.digest, 'a', 'b']) expectOciError(await reg.request('GET', `/v2/del/m/manifests/${ref}`), 404, 'MANIFEST_UNKNOWN');
        expect((await tags(reg, 'del/m')).tags).toEqual(['keep']);
        await expectManifest(reg, 'del/m', 'keep', keep);
        expectOciError(await reg.request('DELETE', `/v2/del/m/manifests/${image.digest}`), 404, 'MANIFEST_UNKNOWN');
        // It can be pushed again.
        expect((await putManifest(reg, 'del/m', 'a', image.manifest, OCI_MANIFEST)).status).toBe(201);
      });

      it('by tag: 202; only the tag goes, the manifest stays pullable by digest and other tags', async () => {
        const reg = registry();
        const image = await pushed(reg, 'del/t', 'a');
        await putManifest(reg, 'del/t', 'b', image.manifest, OCI_MANIFEST);
        expect((await reg.request('DELETE', '/v2/del/t/manifests/a')).status).toBe(202);
        expectOciError(await reg.request('GET', '/v2/del/t/manifests/a'), 404, 'MANIFEST_UNKNOWN');
        await expectManifest(reg, 'del/t', image.digest, image);
        await expectManifest(reg, 'del/t', 'b', image);
        expect((await tags(reg, 'del/t')).tags).toEqual(['b']);
        expectOciError(await reg.request('DELETE', '/v2/del/t/manifests/a'), 404, 'MANIFEST_UNKNOWN');
      });

      it('a manifest an index lists cannot be deleted (409) until the index is', async () => {
        const reg = registry();
        const child = await pushed(reg, 'del/idx');
        const index = indexManifest([child.descriptor]);
        await putManifest(reg, 'del/idx', 'multi', index, OCI_INDEX);
        expectOciError(await reg.request('DELETE', `/v2/del/idx/manifests/${child.digest}`), 409, 'DENIED');
        await expectManifest(reg, 'del/idx', child.digest, child);
        expect((await reg.request('DELETE', `/v2/del/idx/manifests/${sha256(index)}`)).status).toBe(202);
        expect((await reg.request('DELETE', `/v2/del/idx/manifests/${child.digest}`)).status).toBe(202);
      });

      it('DELETE in an unknown repository: 404 NAME_UNKNOWN', async () => {
        const reg = registry();
        expectOciError(await reg.request('DELETE', `/v2/del/none/manifests/${ABSENT_DIGEST}`), 404, 'NAME_UNKNOWN');
        expectOciError(await reg.request('DELETE', '/v2/del/none/manifests/latest'), 404, 'NAME_UNKNOWN');
      });
    });

    describe('tags list', () => {
      it('lists tags in order; n and last page through them with a Link header', async () => {
        const reg = registry();
        const image = await pushed(reg, 'list/repo', 'e');
        for (const tag of ['c', 'a', 'd', 'b']) await putManifest(reg, 'list/repo', tag, image.manifest, OCI_MANIFEST);
        expect(await tags(reg, 'list/repo')).toEqual({ tags: ['a', 'b', 'c', 'd', 'e'], link: undefined });

        const first = await tags(reg, 'list/repo', '?n=2');
        expect(first.tags).toEqual(['a', 'b']);
        expect(first.link).toBe('</v2/list/repo/tags/list?n=2&last=b>; rel="next"');
        const second = await tags(reg, 'list/repo', /^<([^>]+)>/.exec(first.link!)![1]!.replace('/v2/list/repo/tags/list', ''));
        expect(second.tags).toEqual(['c', 'd']);
        expect(second.link).toBe('</v2/list/repo/tags/list?n=2&last=d>; rel="next"');
        const third = await tags(reg, 'list/repo', '?n=2&last=d');
        expect(third).toEqual({ tags: ['e'], link: undefined });

        expect((await tags(reg, 'list/repo', '?last=c')).tags).toEqual(['d', 'e']);
        expect((await tags(reg, 'list/repo', '?n=10')).tags).toEqual(['a', 'b', 'c', 'd', 'e']);
        expect(await tags(reg, 'list/repo', '?n=0')).toEqual({ tags: [], link: undefined });
        expect(await tags(reg, 'list/repo', '?n=3&last=zzz')).toEqual({ tags: [], link: undefined });
      });

      it('a repository without tags lists none', async () => {
        const reg = registry();
        await pushBlob(reg, 'list/none', randomBytes(3));
        expect(await tags(reg, 'list/none')).toEqual({ tags: [], link: undefined });
      });

      it('a bad n: 400 UNSUPPORTED; unknown repository: 404 NAME_UNKNOWN', async () => {
        const reg = registry();
        await pushed(reg, 'list/bad', 'v1');
        for (const n of ['abc', '-1', '1.5', '100000']) {
          expectOciError(await reg.request('GET', `/v2/list/bad/tags/list?n=${n}`), 400, 'UNSUPPORTED');
        }
        expectOciError(await reg.request('GET', '/v2/list/unknown/tags/list'), 404, 'NAME_UNKNOWN');
      });
    });

    describe('catalog', () => {
      it('lists repositories in order, paginated with n/last and a Link header', async () => {
        const reg = registry();
        for (const repo of ['cat/b', 'cat/a/deep', 'cat/c', 'cat/a']) await pushBlob(reg, repo, randomBytes(3));
        const all = await reg.request('GET', '/v2/_catalog');
        expect(all.status).toBe(200);
        expect(bodyJson(all)).toEqual({ repositories: ['cat/a', 'cat/a/deep', 'cat/b', 'cat/c'] });
        expect(all.headers.link).toBeUndefined();

        const page1 = await reg.request('GET', '/v2/_catalog?n=3');
        expect(bodyJson(page1)).toEqual({ repositories: ['cat/a', 'cat/a/deep', 'cat/b'] });
        expect(page1.headers.link).toBe('</v2/_catalog?n=3&last=cat%2Fb>; rel="next"');
        const page2 = await reg.request('GET', /^<([^>]+)>/.exec(String(page1.headers.link))![1]!);
        expect(bodyJson(page2)).toEqual({ repositories: ['cat/c'] });
        expect(page2.headers.link).toBeUndefined();
        expectOciError(await reg.request('GET', '/v2/_catalog?n=x'), 400, 'UNSUPPORTED');
      });
    });
  });

  describe(`listings with limits.pageSize = 2 [${store}]`, () => {
    const registry = useTestRegistry({ store, config: { limits: { pageSize: 2 } } });

    it('without n the page size applies and a Link header leads on; n above it is refused', async () => {
      const reg = registry();
      const image = await pushed(reg, 'page/repo', 'a');
      for (const tag of ['b', 'c']) await putManifest(reg, 'page/repo', tag, image.manifest, OCI_MANIFEST);
      expect(await tags(reg, 'page/repo')).toEqual({ tags: ['a', 'b'], link: '</v2/page/repo/tags/list?n=2&last=b>; rel="next"' });
      expect(await tags(reg, 'page/repo', '?last=b')).toEqual({ tags: ['c'], link: undefined });
      expectOciError(await reg.request('GET', '/v2/page/repo/tags/list?n=3'), 400, 'UNSUPPORTED');
      await pushBlob(reg, 'page/other', randomBytes(2));
      await pushBlob(reg, 'page/third', randomBytes(2));
      const catalog = await reg.request('GET', '/v2/_catalog');
      expect(bodyJson(catalog)).toEqual({ repositories: ['page/other', 'page/repo'] });
      expect(catalog.headers.link).toBe('</v2/_catalog?n=2&last=page%2Frepo>; rel="next"');
    });
  });
}
