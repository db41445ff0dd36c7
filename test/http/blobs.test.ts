// Blob pulls (GET/HEAD, ranges), every upload flavour, cross-repository mounts and blob deletes,
// over HTTP against a real server, on each metadata store.
import { randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pushBlob } from '../helpers/registry-http.js';
import { expectOciError, startTestRegistry, testStores, useTestRegistry, type TestRegistry } from '../helpers/test-registry.js';
import { ABSENT_DIGEST, buildImage, pushBuiltImage, sha256, sha512 } from './fixtures.js';

const STORES = await testStores();

/** POST an upload session; returns its Location (202 expected). */
async function startUpload(reg: TestRegistry, repo: string): Promise<string> {
  const res = await reg.request('POST', `/v2/${repo}/blobs/uploads/`, { headers: { 'content-length': '0' } });
  expect(res.status).toBe(202);
  return String(res.headers.location);
}

const withQuery = (location: string, query: string) => `${location}${location.includes('?') ? '&' : '?'}${query}`;

/** Committed blob files under the store's root (`blobs/<alg>/<xx>/<hex>`). */
async function blobFiles(reg: TestRegistry): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (entry.isDirectory() && depth > 0) await walk(join(dir, entry.name), depth - 1);
      else if (entry.isFile()) found.push(entry.name);
    }
  };
  await walk(join(reg.blobDir, 'blobs'), 2);
  return found;
}

for (const store of STORES) {
  describe(`blobs [${store}]`, () => {
    const registry = useTestRegistry({ store });

    describe('GET and HEAD', () => {
      it('GET serves the exact bytes with digest, length, type, ETag and Accept-Ranges; HEAD the same headers without a body', async () => {
        const reg = registry();
        const bytes = randomBytes(4096);
        const digest = await pushBlob(reg, 'pull/blob', bytes);

        const get = await reg.request('GET', `/v2/pull/blob/blobs/${digest}`);
        expect(get.status).toBe(200);
        expect(get.body.equals(bytes)).toBe(true);
        expect(get.headers['docker-content-digest']).toBe(digest);
        expect(get.headers['content-length']).toBe('4096');
        expect(get.headers['content-type']).toBe('application/octet-stream');
        expect(get.headers.etag).toBe(`"${digest}"`);
        expect(get.headers['accept-ranges']).toBe('bytes');

        const head = await reg.request('HEAD', `/v2/pull/blob/blobs/${digest}`);
        expect(head.status).toBe(200);
        expect(head.body.length).toBe(0);
        expect(head.headers['content-length']).toBe('4096');
        expect(head.headers['docker-content-digest']).toBe(digest);
      });

      it('a 0-byte blob round-trips', async () => {
        const reg = registry();
        const digest = await pushBlob(reg, 'pull/empty', Buffer.alloc(0));
        const get = await reg.request('GET', `/v2/pull/empty/blobs/${digest}`);
        expect(get.status).toBe(200);
        expect(get.body.length).toBe(0);
        expect(get.headers['content-length']).toBe('0');
      });

      it('Range: bytes=a-b gives 206 with Content-Range and exactly those bytes', async () => {
        const reg = registry();
        const bytes = randomBytes(100);
        const digest = await pushBlob(reg, 'pull/range', bytes);
        const cases: Array<[string, number, number]> = [
          ['bytes=0-9', 0, 9],
          ['bytes=90-', 90, 99],
          ['bytes=95-200', 95, 99],
          ['bytes=-5', 95, 99],
          ['bytes=-500', 0, 99],
          ['bytes=42-42', 42, 42],
        ];
        for (const [range, start, end] of cases) {
          const res = await reg.request('GET', `/v2/pull/range/blobs/${digest}`, { headers: { range } });
          expect(res.status, range).toBe(206);
          expect(res.headers['content-range'], range).toBe(`bytes ${start}-${end}/100`);
          expect(res.headers['content-length'], range).toBe(String(end - start + 1));
          expect(res.body.equals(bytes.subarray(start, end + 1)), range).toBe(true);
        }
      });

      it('an unsatisfiable range gives 416 with Content-Range: bytes */size', async () => {
        const reg = registry();
        const digest = await pushBlob(reg, 'pull/range', randomBytes(100));
        for (const range of ['bytes=100-', 'bytes=500-600', 'bytes=-0']) {
          const res = await reg.request('GET', `/v2/pull/range/blobs/${digest}`, { headers: { range } });
          expectOciError(res, 416, 'SIZE_INVALID');
          expect(res.headers['content-range'], range).toBe('bytes */100');
        }
      });

      it('a Range header it does not serve (other unit, several ranges, reversed) gives the whole blob', async () => {
        const reg = registry();
        const bytes = randomBytes(100);
        const digest = await pushBlob(reg, 'pull/range', bytes);
        for (const range of ['items=0-1', 'bytes=0-1,5-6', 'bytes=9-3']) {
          const res = await reg.request('GET', `/v2/pull/range/blobs/${digest}`, { headers: { range } });
          expect(res.status, range).toBe(200);
          expect(res.body.equals(bytes), range).toBe(true);
        }
      });

      it('unknown blob: 404 BLOB_UNKNOWN (HEAD: 404, no body); unknown repository: 404 NAME_UNKNOWN', async () => {
        const reg = registry();
        await pushBlob(reg, 'pull/known', randomBytes(10));
        expectOciError(await reg.request('GET', `/v2/pull/known/blobs/${ABSENT_DIGEST}`), 404, 'BLOB_UNKNOWN');
        expectOciError(await reg.request('HEAD', `/v2/pull/known/blobs/${ABSENT_DIGEST}`), 404, 'BLOB_UNKNOWN', 'HEAD');
        expectOciError(await reg.request('GET', `/v2/pull/nowhere/blobs/${ABSENT_DIGEST}`), 404, 'NAME_UNKNOWN');
        expectOciError(await reg.request('HEAD', `/v2/pull/nowhere/blobs/${ABSENT_DIGEST}`), 404, 'NAME_UNKNOWN', 'HEAD');
      });

      it('a blob pushed to one repository is not readable through another', async () => {
        const reg = registry();
        const digest = await pushBlob(reg, 'iso/a', randomBytes(64));
        await pushBlob(reg, 'iso/b', randomBytes(64));
        expectOciError(await reg.request('GET', `/v2/iso/b/blobs/${digest}`), 404, 'BLOB_UNKNOWN');
        expect((await reg.request('HEAD', `/v2/iso/b/blobs/${digest}`)).status).toBe(404);
      });

      it('a malformed or unsupported digest: 400 DIGEST_INVALID', async () => {
        const reg = registry();
        await pushBlob(reg, 'pull/x', randomBytes(10));
        for (const bad of ['sha256:abc', `sha256:${'G'.repeat(64)}`, `md5:${'0'.repeat(32)}`, 'latest']) {
          expectOciError(await reg.request('GET', `/v2/pull/x/blobs/${bad}`), 400, 'DIGEST_INVALID');
        }
      });
    });

    describe('uploads', () => {
      it('monolithic: POST then PUT ?digest= with the body gives 201, Location and Docker-Content-Digest', async () => {
        const reg = registry();
        const bytes = randomBytes(3000);
        const digest = sha256(bytes);
        const post = await reg.request('POST', '/v2/push/mono/blobs/uploads/');
        expect(post.status).toBe(202);
        const location = String(post.headers.location);
        expect(location).toMatch(/^\/v2\/push\/mono\/blobs\/uploads\/[^/?]+/);
        expect(post.headers.range).toBe('0-0');
        expect(post.headers['docker-upload-uuid']).toBeTruthy();

        const put = await reg.request('PUT', withQuery(location, `digest=${digest}`), {
          body: bytes,
          headers: { 'content-type': 'application/octet-stream' },
        });
        expect(put.status).toBe(201);
        expect(put.headers.location).toBe(`/v2/push/mono/blobs/${digest}`);
        expect(put.headers['docker-content-digest']).toBe(digest);
        const get = await reg.request('GET', String(put.headers.location));
        expect(get.body.equals(bytes)).toBe(true);
      });

      it('single request: POST ?digest= with the body gives 201', async () => {
        const reg = registry();
        const bytes = randomBytes(2048);
        const digest = sha256(bytes);
        const res = await reg.request('POST', `/v2/push/single/blobs/uploads/?digest=${digest}`, {
          body: bytes,
          headers: { 'content-type': 'application/octet-stream' },
        });
        expect(res.status).toBe(201);
        expect(res.headers.location).toBe(`/v2/push/single/blobs/${digest}`);
        expect(res.headers['docker-content-digest']).toBe(digest);
        expect((await reg.request('GET', `/v2/push/single/blobs/${digest}`)).body.equals(bytes)).toBe(true);
      });

      it('chunked: PATCHes with Content-Range advance Range; PUT ?digest= commits', async () => {
        const reg = registry();
        const bytes = randomBytes(10_000);
        const digest = sha256(bytes);
        let location = await startUpload(reg, 'push/chunked');
        for (const [start, end] of [
          [0, 3999],
          [4000, 7999],
          [8000, 9999],
        ] as const) {
          const res = await reg.request('PATCH', location, {
            body: bytes.subarray(start, end + 1),
            headers: { 'content-type': 'application/octet-stream', 'content-range': `${start}-${end}` },
          });
          expect(res.status).toBe(202);
          expect(res.headers.range).toBe(`0-${end}`);
          expect(res.headers.location).toBeTruthy();
          location = String(res.headers.location);
        }
        const put = await reg.request('PUT', withQuery(location, `digest=${digest}`));
        expect(put.status).toBe(201);
        expect(put.headers['docker-content-digest']).toBe(digest);
        expect((await reg.request('GET', `/v2/push/chunked/blobs/${digest}`)).body.equals(bytes)).toBe(true);
      });

      it('chunked: the last chunk may come with the PUT (with Content-Range)', async () => {
        const reg = registry();
        const bytes = randomBytes(5000);
        const digest = sha256(bytes);
        const location = await startUpload(reg, 'push/lastput');
        const patch = await reg.request('PATCH', location, { body: bytes.subarray(0, 3000), headers: { 'content-range': '0-2999' } });
        expect(patch.status).toBe(202);
        const put = await reg.request('PUT', withQuery(String(patch.headers.location), `digest=${digest}`), {
          body: bytes.subarray(3000),
          headers: { 'content-range': '3000-4999', 'content-type': 'application/octet-stream' },
        });
        expect(put.status).toBe(201);
        expect((await reg.request('GET', `/v2/push/lastput/blobs/${digest}`)).body.equals(bytes)).toBe(true);
      });

      it('chunked: a chunk that does not start at the current offset gives 416, and the upload carries on', async () => {
        const reg = registry();
        const bytes = randomBytes(3000);
        const digest = sha256(bytes);
        const location = await startUpload(reg, 'push/order');
        const early = await reg.request('PATCH', location, { body: bytes.subarray(1000, 2000), headers: { 'content-range': '1000-1999' } });
        expectOciError(early, 416, 'BLOB_UPLOAD_INVALID');

        expect((await reg.request('PATCH', location, { body: bytes.subarray(0, 1000), headers: { 'content-range': '0-999' } })).status).toBe(202);
        const again = await reg.request('PATCH', location, { body: bytes.subarray(0, 1000), headers: { 'content-range': '0-999' } });
        expectOciError(again, 416, 'BLOB_UPLOAD_INVALID');
        const status = await reg.request('GET', location);
        expect(status.status).toBe(204);
        expect(status.headers.range).toBe('0-999');

        expect((await reg.request('PATCH', location, { body: bytes.subarray(1000), headers: { 'content-range': '1000-2999' } })).status).toBe(202);
        expect((await reg.request('PUT', withQuery(location, `digest=${digest}`))).status).toBe(201);
        expect((await reg.request('GET', `/v2/push/order/blobs/${digest}`)).body.equals(bytes)).toBe(true);
      });

      it('streamed: one PATCH without Content-Range or Content-Length (chunked transfer), then PUT', async () => {
        const reg = registry();
        const bytes = randomBytes(300_000);
        const digest = sha256(bytes);
        const location = await startUpload(reg, 'push/streamed');
        const patch = await reg.request('PATCH', location, {
          body: bytes,
          headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
        });
        expect(patch.status).toBe(202);
        expect(patch.headers.range).toBe(`0-${bytes.length - 1}`);
        const put = await reg.request('PUT', withQuery(String(patch.headers.location), `digest=${digest}`));
        expect(put.status).toBe(201);
        const get = await reg.request('GET', `/v2/push/streamed/blobs/${digest}`);
        expect(sha256(get.body)).toBe(digest);
      });

      it('GET on the upload gives 204 with Location and Range 0-<n-1>; the upload resumes from there', async () => {
        const reg = registry();
        const bytes = randomBytes(6000);
        const digest = sha256(bytes);
        const location = await startUpload(reg, 'push/resume');
        const fresh = await reg.request('GET', location);
        expect(fresh.status).toBe(204);
        expect(fresh.headers.range).toBe('0-0');

        await reg.request('PATCH', location, { body: bytes.subarray(0, 2500) });
        const status = await reg.request('GET', location);
        expect(status.status).toBe(204);
        expect(status.headers.range).toBe('0-2499');
        expect(status.headers.location).toMatch(/^\/v2\/push\/resume\/blobs\/uploads\//);
        expect(status.body.length).toBe(0);

        // A client that lost its connection asks where to go on and sends the rest from there.
        const offset = Number(/^0-(\d+)$/.exec(String(status.headers.range))![1]) + 1;
        const rest = await reg.request('PATCH', String(status.headers.location), {
          body: bytes.subarray(offset),
          headers: { 'content-range': `${offset}-${bytes.length - 1}` },
        });
        expect(rest.status).toBe(202);
        expect(rest.headers.range).toBe(`0-${bytes.length - 1}`);
        expect((await reg.request('PUT', withQuery(location, `digest=${digest}`))).status).toBe(201);
        expect((await reg.request('GET', `/v2/push/resume/blobs/${digest}`)).body.equals(bytes)).toBe(true);
      });

      it('DELETE on the upload cancels it (204); afterwards it is BLOB_UPLOAD_UNKNOWN everywhere', async () => {
        const reg = registry();
        const bytes = randomBytes(1000);
        const location = await startUpload(reg, 'push/cancel');
        await reg.request('PATCH', location, { body: bytes });
        const del = await reg.request('DELETE', location);
        expect(del.status).toBe(204);
        expectOciError(await reg.request('GET', location), 404, 'BLOB_UPLOAD_UNKNOWN');
        expectOciError(await reg.request('PATCH', location, { body: bytes }), 404, 'BLOB_UPLOAD_UNKNOWN');
        expectOciError(await reg.request('PUT', withQuery(location, `digest=${sha256(bytes)}`)), 404, 'BLOB_UPLOAD_UNKNOWN');
        expectOciError(await reg.request('DELETE', location), 404, 'BLOB_UPLOAD_UNKNOWN');
        expect((await reg.request('HEAD', `/v2/push/cancel/blobs/${sha256(bytes)}`)).status).toBe(404);
      });

      it('a digest that does not match the bytes: 400 DIGEST_INVALID, nothing stored, upload gone', async () => {
        const reg = registry();
        const bytes = randomBytes(1000);
        const claimed = sha256(Buffer.from('something else'));
        const location = await startUpload(reg, 'push/mismatch');
        const put = await reg.request('PUT', withQuery(location, `digest=${claimed}`), { body: bytes });
        expectOciError(put, 400, 'DIGEST_INVALID');
        expect((await reg.request('HEAD', `/v2/push/mismatch/blobs/${claimed}`)).status).toBe(404);
        expect((await reg.request('HEAD', `/v2/push/mismatch/blobs/${sha256(bytes)}`)).status).toBe(404);
        expectOciError(await reg.request('GET', location), 404, 'BLOB_UPLOAD_UNKNOWN');

        const single = await reg.request('POST', `/v2/push/mismatch/blobs/uploads/?digest=${claimed}`, { body: bytes });
        expectOciError(single, 400, 'DIGEST_INVALID');
        expect((await reg.request('HEAD', `/v2/push/mismatch/blobs/${sha256(bytes)}`)).status).toBe(404);
        expect(await blobFiles(reg)).toEqual([]);
      });

      it('PUT without digest, or with a malformed one: 400 DIGEST_INVALID, and the upload can still complete', async () => {
        const reg = registry();
        const bytes = randomBytes(500);
        const location = await startUpload(reg, 'push/nodigest');
        await reg.request('PATCH', location, { body: bytes });
        expectOciError(await reg.request('PUT', location), 400, 'DIGEST_INVALID');
        expectOciError(await reg.request('PUT', withQuery(location, 'digest=sha256:nothex')), 400, 'DIGEST_INVALID');
        expect((await reg.request('PUT', withQuery(location, `digest=${sha256(bytes)}`))).status).toBe(201);
      });

      it('sha512 blobs: single POST, chunked upload, GET and HEAD by their sha512 digest', async () => {
        const reg = registry();
        const small = randomBytes(700);
        const post = await reg.request('POST', `/v2/push/sha512/blobs/uploads/?digest=${sha512(small)}`, { body: small });
        expect(post.status).toBe(201);
        expect(post.headers['docker-content-digest']).toBe(sha512(small));

        const big = randomBytes(9000);
        const location = await startUpload(reg, 'push/sha512');
        await reg.request('PATCH', location, { body: big.subarray(0, 4000), headers: { 'content-range': '0-3999' } });
        await reg.request('PATCH', location, { body: big.subarray(4000), headers: { 'content-range': '4000-8999' } });
        const put = await reg.request('PUT', withQuery(location, `digest=${sha512(big)}`));
        expect(put.status).toBe(201);
        expect(put.headers.location).toBe(`/v2/push/sha512/blobs/${sha512(big)}`);

        for (const bytes of [small, big]) {
          const get = await reg.request('GET', `/v2/push/sha512/blobs/${sha512(bytes)}`);
          expect(get.status).toBe(200);
          expect(get.body.equals(bytes)).toBe(true);
          expect(get.headers['docker-content-digest']).toBe(sha512(bytes));
          expect((await reg.request('HEAD', `/v2/push/sha512/blobs/${sha512(bytes)}`)).headers['content-length']).toBe(String(bytes.length));
        }
        const wrong = await reg.request('POST', `/v2/push/sha512/blobs/uploads/?digest=${sha512(Buffer.from('x'))}`, { body: small });
        expectOciError(wrong, 400, 'DIGEST_INVALID');
      });

      it('an upload is bound to its repository: another repository cannot see or use it', async () => {
        const reg = registry();
        const location = await startUpload(reg, 'push/owner');
        await pushBlob(reg, 'push/other', randomBytes(10));
        const foreign = location.replace('/v2/push/owner/', '/v2/push/other/');
        expectOciError(await reg.request('GET', foreign), 404, 'BLOB_UPLOAD_UNKNOWN');
        expectOciError(await reg.request('PATCH', foreign, { body: randomBytes(10) }), 404, 'BLOB_UPLOAD_UNKNOWN');
        expect((await reg.request('GET', location)).status).toBe(204);
      });

      it('unknown upload ids (random, malformed, path-like): 404 BLOB_UPLOAD_UNKNOWN', async () => {
        const reg = registry();
        await startUpload(reg, 'push/ids');
        for (const id of ['3f2b1c9e-0000-4000-8000-000000000000', 'nope', '%2e%2e', '..']) {
          for (const method of ['GET', 'PATCH', 'PUT', 'DELETE']) {
            const path = method === 'PUT' ? `/v2/push/ids/blobs/uploads/${id}?digest=${ABSENT_DIGEST}` : `/v2/push/ids/blobs/uploads/${id}`;
            expectOciError(await reg.request(method, path, method === 'PATCH' ? { body: 'x' } : {}), 404, 'BLOB_UPLOAD_UNKNOWN');
          }
        }
        expectOciError(await reg.request('GET', '/v2/push/never-pushed/blobs/uploads/nope'), 404, 'BLOB_UPLOAD_UNKNOWN');
        // An id that decodes to a path is some other (refused) request, never a file outside the uploads.
        for (const method of ['GET', 'PATCH', 'DELETE']) {
          const res = await reg.request(method, '/v2/push/ids/blobs/uploads/..%2F..%2F..%2Fwharf.db', method === 'PATCH' ? { body: 'x' } : {});
          expect(res.status, method).toBeGreaterThanOrEqual(400);
          expect(res.status, method).toBeLessThan(500);
          expect(JSON.parse(res.body.toString()).errors).toHaveLength(1);
        }
      });

      it('two PATCHes on one upload at once: the second gets 400 BLOB_UPLOAD_INVALID and the first completes', async () => {
        const reg = registry();
        const location = await startUpload(reg, 'push/busy');
        // Over twice the store's write batch (1 MiB), so the first half reaches the file.
        const first = Buffer.alloc(3 * 1024 * 1024, 1);
        const second = Buffer.alloc(10, 2);
        // The first PATCH sends half its body and waits; the server is busy receiving it.
        const slow = slowPatch(reg, location, first);
        await slow.storing;
        expectOciError(await reg.request('PATCH', location, { body: second }), 400, 'BLOB_UPLOAD_INVALID');
        const res = await slow.finish();
        expect(res).toBe(202);
        const status = await reg.request('GET', location);
        expect(status.headers.range).toBe(`0-${first.length - 1}`);
        expect((await reg.request('PUT', withQuery(location, `digest=${sha256(first)}`))).status).toBe(201);
      });
    });

    describe('cross-repository mount', () => {
      it('mount from a repository holding the blob: 201 with Location and digest; the bytes are readable in the target', async () => {
        const reg = registry();
        const bytes = randomBytes(2000);
        const digest = await pushBlob(reg, 'mount/source', bytes);
        const res = await reg.request('POST', `/v2/mount/target/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent('mount/source')}`);
        expect(res.status).toBe(201);
        expect(res.headers.location).toBe(`/v2/mount/target/blobs/${digest}`);
        expect(res.headers['docker-content-digest']).toBe(digest);
        const get = await reg.request('GET', `/v2/mount/target/blobs/${digest}`);
        expect(get.status).toBe(200);
        expect(get.body.equals(bytes)).toBe(true);
      });

      it('mount with an unencoded query (as containerd sends it) works too', async () => {
        const reg = registry();
        const digest = await pushBlob(reg, 'mount/source', randomBytes(100));
        const res = await reg.request('POST', `/v2/mount/ctr/blobs/uploads/?mount=${digest}&from=mount/source`);
        expect(res.status).toBe(201);
        expect((await reg.request('HEAD', `/v2/mount/ctr/blobs/${digest}`)).status).toBe(200);
      });

      it('falls back to an upload session (202) when the source lacks the blob or does not exist', async () => {
        const reg = registry();
        await pushBlob(reg, 'mount/source', randomBytes(100));
        for (const from of ['mount/source', 'mount/no-such-repo']) {
          const bytes = randomBytes(300);
          const digest = sha256(bytes);
          const res = await reg.request('POST', `/v2/mount/target/blobs/uploads/?mount=${digest}&from=${from}`);
          expect(res.status, from).toBe(202);
          expect(String(res.headers.location)).toMatch(/^\/v2\/mount\/target\/blobs\/uploads\//);
          expect((await reg.request('HEAD', `/v2/mount/target/blobs/${digest}`)).status).toBe(404);
          // The session is a real one: the client uploads through it.
          const put = await reg.request('PUT', withQuery(String(res.headers.location), `digest=${digest}`), { body: bytes });
          expect(put.status).toBe(201);
          expect((await reg.request('GET', `/v2/mount/target/blobs/${digest}`)).body.equals(bytes)).toBe(true);
        }
      });

      it('mount without from: an ordinary upload session (202)', async () => {
        const reg = registry();
        const digest = await pushBlob(reg, 'mount/source', randomBytes(50));
        const res = await reg.request('POST', `/v2/mount/nofrom/blobs/uploads/?mount=${digest}`);
        expect(res.status).toBe(202);
        expect(String(res.headers.location)).toMatch(/^\/v2\/mount\/nofrom\/blobs\/uploads\//);
        expect((await reg.request('HEAD', `/v2/mount/nofrom/blobs/${digest}`)).status).toBe(404);
      });

      it('mount with a malformed digest or source name: 400', async () => {
        const reg = registry();
        await pushBlob(reg, 'mount/source', randomBytes(10));
        expectOciError(await reg.request('POST', '/v2/mount/target/blobs/uploads/?mount=sha256:zz&from=mount/source'), 400, 'DIGEST_INVALID');
        expectOciError(await reg.request('POST', `/v2/mount/target/blobs/uploads/?mount=${ABSENT_DIGEST}&from=Bad/Name`), 400, 'NAME_INVALID');
      });
    });

    describe('DELETE', () => {
      it('DELETE a blob: 202, then HEAD/GET 404 BLOB_UNKNOWN and a second DELETE 404; other repositories keep it', async () => {
        const reg = registry();
        const bytes = randomBytes(500);
        const digest = await pushBlob(reg, 'del/a', bytes);
        await pushBlob(reg, 'del/b', bytes);
        const del = await reg.request('DELETE', `/v2/del/a/blobs/${digest}`);
        expect(del.status).toBe(202);
        expect((await reg.request('HEAD', `/v2/del/a/blobs/${digest}`)).status).toBe(404);
        expectOciError(await reg.request('GET', `/v2/del/a/blobs/${digest}`), 404, 'BLOB_UNKNOWN');
        expectOciError(await reg.request('DELETE', `/v2/del/a/blobs/${digest}`), 404, 'BLOB_UNKNOWN');
        expect((await reg.request('GET', `/v2/del/b/blobs/${digest}`)).body.equals(bytes)).toBe(true);
      });

      it('a blob a manifest references cannot be deleted (409 DENIED) until the manifest is', async () => {
        const reg = registry();
        const image = buildImage();
        expect((await pushBuiltImage(reg, 'del/ref', image, 'v1')).status).toBe(201);
        const layer = sha256(image.layers[0]!);
        expectOciError(await reg.request('DELETE', `/v2/del/ref/blobs/${layer}`), 409, 'DENIED');
        expect((await reg.request('GET', `/v2/del/ref/blobs/${layer}`)).body.equals(image.layers[0]!)).toBe(true);
        expect((await reg.request('DELETE', `/v2/del/ref/manifests/${image.digest}`)).status).toBe(202);
        expect((await reg.request('DELETE', `/v2/del/ref/blobs/${layer}`)).status).toBe(202);
        expect((await reg.request('HEAD', `/v2/del/ref/blobs/${layer}`)).status).toBe(404);
      });

      it('DELETE with an unknown repository, or a malformed digest', async () => {
        const reg = registry();
        expectOciError(await reg.request('DELETE', `/v2/del/nowhere/blobs/${ABSENT_DIGEST}`), 404, 'NAME_UNKNOWN');
        await pushBlob(reg, 'del/x', randomBytes(5));
        expectOciError(await reg.request('DELETE', '/v2/del/x/blobs/sha256:123'), 400, 'DIGEST_INVALID');
      });
    });
  });

  describe(`blobs with limits.maxBlobBytes = 1024 [${store}]`, () => {
    const registry = useTestRegistry({ store, config: { limits: { maxBlobBytes: 1024 } } });

    it('a blob larger than the limit: 400 SIZE_INVALID, nothing stored; one that fits is accepted', async () => {
      const reg = registry();
      const bytes = randomBytes(4096);
      expectOciError(await reg.request('POST', `/v2/push/big/blobs/uploads/?digest=${sha256(bytes)}`, { body: bytes }), 400, 'SIZE_INVALID');
      await reg.expectAlive();
      const location = await startUpload(reg, 'push/big');
      expectOciError(await reg.request('PATCH', location, { body: bytes }), 400, 'SIZE_INVALID');
      await reg.expectAlive();
      expect((await reg.request('HEAD', `/v2/push/big/blobs/${sha256(bytes)}`)).status).toBe(404);
      const fits = randomBytes(1024);
      expect((await reg.request('POST', `/v2/push/big/blobs/uploads/?digest=${sha256(fits)}`, { body: fits })).status).toBe(201);
    });

    // Known bug, left for the upload service's owner: when a streamed body passes maxBlobBytes the
    // service's pipeline destroys the request mid-body. Node has already detached the socket from
    // the request by then, so the socket is neither read nor closed: the 400 goes out announcing
    // keep-alive, the client's next request on that connection never gets an answer, and the
    // server cannot close until the 5-minute connection timeout. A fix: answer such errors with
    // `Connection: close` (or stop reading without destroying the request).
    it('a streamed body far past the limit: 400 SIZE_INVALID, and the connection then serves or closes', async () => {
      // Its own registry: stopping it reports the connection left open, which this test is about.
      const reg = await startTestRegistry({ store, config: { limits: { maxBlobBytes: 1024 } } });
      try {
        await streamPastLimit(reg);
      } finally {
        await reg.stop().catch(() => undefined);
      }
    });
  });
}

/** Streams 2 MiB past a 1 KiB limit on a raw socket, then sends a second request on the same connection. */
async function streamPastLimit(reg: TestRegistry): Promise<void> {
  const location = await startUpload(reg, 'push/big');
  const { port } = new URL(reg.url);
  const socket = connect(Number(port), '127.0.0.1');
  let received = '';
  let closed = false;
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  await new Promise((r) => socket.once('connect', r));
  socket.write(`PATCH ${location} HTTP/1.1\r\nHost: x\r\nAuthorization: ${reg.authorization}\r\nTransfer-Encoding: chunked\r\n\r\n`);
  const chunk = randomBytes(64 * 1024);
  for (let i = 0; i < 32; i++) {
    socket.write(`${chunk.length.toString(16)}\r\n`);
    socket.write(chunk);
    socket.write('\r\n');
  }
  socket.write('0\r\n\r\n');
  const deadline = performance.now() + 3_000;
  while (!received.includes('SIZE_INVALID') && !closed && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(received).toMatch(/^HTTP\/1\.1 400 /);
  expect(received).toContain('"code":"SIZE_INVALID"');
  // The connection must either answer the next request or be closed by the server.
  const before = received.length;
  socket.write(`GET /v2/ HTTP/1.1\r\nHost: x\r\nAuthorization: ${reg.authorization}\r\n\r\n`);
  const second = performance.now() + 3_000;
  while (received.length === before && !closed && performance.now() < second) await new Promise((r) => setTimeout(r, 20));
  socket.destroy();
  expect(closed || received.slice(before).startsWith('HTTP/1.1 200 ')).toBe(true);
}

/**
 * A PATCH whose body is sent in two halves: `storing` resolves once the server has stored part of
 * the first half (the upload file grew), `finish` sends the rest and resolves with the status.
 */
function slowPatch(reg: TestRegistry, location: string, body: Buffer): { storing: Promise<void>; finish: () => Promise<number> } {
  const url = new URL(reg.url);
  const half = Math.floor(body.length / 2);
  const req = httpRequest({
    host: url.hostname,
    port: url.port,
    method: 'PATCH',
    path: location,
    agent: false,
    headers: { authorization: reg.authorization, 'content-length': body.length },
  });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  req.write(body.subarray(0, half));
  const uploads = join(reg.blobDir, 'uploads');
  const storing = (async () => {
    for (;;) {
      const sizes = await Promise.all((await readdir(uploads).catch(() => [])).map((f) => stat(join(uploads, f)).then((st) => st.size)));
      if (sizes.some((size) => size > 0)) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    storing,
    finish: () => {
      req.end(body.subarray(half));
      return status;
    },
  };
}
