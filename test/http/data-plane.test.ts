// The base endpoint, authentication, rate limits, unsupported methods, path tricks and oversized
// requests: what every data-plane request goes through, on each metadata store.
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { expectOciError, testStores, useTestRegistry, type TestRegistry } from '../helpers/test-registry.js';
import { ABSENT_DIGEST, buildImage, pushBuiltImage } from './fixtures.js';

const STORES = await testStores();

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** One request on its own connection (no keep-alive pool), for requests the server may answer by closing. */
function freshRequest(reg: TestRegistry, method: string, path: string, headers: OutgoingHttpHeaders): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const url = new URL(reg.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { authorization: reg.authorization, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

for (const store of STORES) {
  describe(`data plane [${store}]`, () => {
    const registry = useTestRegistry({ store });

    describe('base endpoint', () => {
      it('GET /v2/ answers 200 {} with Docker-Distribution-Api-Version: registry/2.0; so do HEAD and /v2', async () => {
        const reg = registry();
        for (const [method, path] of [
          ['GET', '/v2/'],
          ['GET', '/v2'],
          ['HEAD', '/v2/'],
        ] as const) {
          const res = await reg.request(method, path);
          expect(res.status, `${method} ${path}`).toBe(200);
          expect(res.headers['docker-distribution-api-version']).toBe('registry/2.0');
          if (method === 'GET') {
            expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
            expect(JSON.parse(res.body.toString())).toEqual({});
          } else {
            expect(res.body.length).toBe(0);
          }
        }
        const viaFetch = await reg.fetch('/v2/');
        expect(viaFetch.status).toBe(200);
        expect(await viaFetch.json()).toEqual({});
      });
    });

    describe('authentication', () => {
      it('without credentials, or with wrong ones: 401, WWW-Authenticate: Basic realm="wharf", UNAUTHORIZED', async () => {
        const reg = registry();
        const cases: Array<[string, Record<string, string>]> = [
          ['no Authorization', {}],
          ['wrong secret', { authorization: basic(reg.accessKeyId, 'not-the-secret') }],
          ['unknown key id', { authorization: basic('AKIAUNKNOWNUNKNOWN', reg.secretAccessKey) }],
          ['empty Basic', { authorization: 'Basic ' }],
          ['not base64 user:password', { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` }],
          ['a Bearer token', { authorization: 'Bearer abc.def.ghi' }],
        ];
        for (const [what, headers] of cases) {
          const res = await reg.request('GET', '/v2/', { auth: false, headers });
          expect(res.status, what).toBe(401);
          expect(res.headers['www-authenticate'], what).toBe('Basic realm="wharf"');
          expect(res.headers['docker-distribution-api-version'], what).toBe('registry/2.0');
          expectOciError(res, 401, 'UNAUTHORIZED');
        }
        const viaFetch = await fetch(new URL('/v2/', reg.url));
        expect(viaFetch.status).toBe(401);
        expect(viaFetch.headers.get('www-authenticate')).toBe('Basic realm="wharf"');
        expect(((await viaFetch.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe('UNAUTHORIZED');
      });

      it('every endpoint asks for credentials first and reveals nothing about what exists', async () => {
        const reg = registry();
        const image = buildImage();
        await pushBuiltImage(reg, 'auth/real', image, 'v1');
        const paths: Array<[string, string]> = [
          ['GET', '/v2/auth/real/manifests/v1'],
          ['GET', '/v2/auth/none/manifests/v1'],
          ['HEAD', `/v2/auth/real/blobs/${[...image.blobs.keys()][0]!}`],
          ['GET', '/v2/auth/real/tags/list'],
          ['GET', '/v2/_catalog'],
          ['POST', '/v2/auth/real/blobs/uploads/'],
          ['PUT', '/v2/auth/real/manifests/v2'],
          ['DELETE', `/v2/auth/real/manifests/${image.digest}`],
          ['GET', `/v2/auth/real/referrers/${image.digest}`],
          ['GET', '/v2/Not/A/Valid/Name/manifests/v1'],
        ];
        for (const [method, path] of paths) {
          const res = await reg.request(method, path, { auth: false });
          expectOciError(res, 401, 'UNAUTHORIZED', method);
          expect(res.headers['www-authenticate'], `${method} ${path}`).toBe('Basic realm="wharf"');
        }
        // Nothing changed.
        expect((await reg.request('GET', '/v2/auth/real/manifests/v1')).status).toBe(200);
      });
    });

    describe('unsupported methods', () => {
      it('a method an endpoint does not support: 405 UNSUPPORTED', async () => {
        const reg = registry();
        const image = buildImage();
        await pushBuiltImage(reg, 'm/repo', image, 'v1');
        const digest = [...image.blobs.keys()][0]!;
        const cases: Array<[string, string]> = [
          ['PUT', '/v2/'],
          ['DELETE', '/v2/'],
          ['POST', '/v2/_catalog'],
          ['DELETE', '/v2/m/repo/tags/list'],
          ['POST', '/v2/m/repo/manifests/v1'],
          ['PATCH', '/v2/m/repo/manifests/v1'],
          ['PUT', `/v2/m/repo/blobs/${digest}`],
          ['POST', `/v2/m/repo/blobs/${digest}`],
          ['PATCH', `/v2/m/repo/blobs/${digest}`],
          ['GET', '/v2/m/repo/blobs/uploads/'],
          ['DELETE', '/v2/m/repo/blobs/uploads/'],
          ['POST', `/v2/m/repo/referrers/${image.digest}`],
          ['DELETE', `/v2/m/repo/referrers/${image.digest}`],
        ];
        for (const [method, path] of cases) {
          const res = await reg.request(method, path, { body: method === 'GET' || method === 'DELETE' ? undefined : 'x' });
          expect(res.status, `${method} ${path}`).toBe(405);
          expectOciError(res, 405, 'UNSUPPORTED');
        }
        // Nothing was changed by them.
        expect((await reg.request('GET', `/v2/m/repo/blobs/${digest}`)).status).toBe(200);
        expect((await reg.request('GET', '/v2/m/repo/manifests/v1')).status).toBe(200);
      });

      it('methods outside the data plane (OPTIONS, TRACE) get 405 UNSUPPORTED in the envelope too', async () => {
        const reg = registry();
        for (const method of ['OPTIONS', 'TRACE']) {
          for (const path of ['/v2/', '/v2/m/repo/manifests/v1']) {
            const res = await reg.request(method, path);
            expect(res.headers['docker-distribution-api-version'], `${method} ${path}`).toBe('registry/2.0');
            expectOciError(res, 405, 'UNSUPPORTED');
          }
        }
      });
    });

    describe('names and paths', () => {
      it('dot segments and encoded dots never reach another repository: 400 NAME_INVALID', async () => {
        const reg = registry();
        await pushBuiltImage(reg, 'b', buildImage(), 'v1');
        await pushBuiltImage(reg, 'a/b', buildImage(), 'v1');
        const paths = [
          '/v2/a/../b/manifests/v1',
          '/v2/x/../../v2/b/manifests/v1',
          '/v2/a/%2e%2e/b/manifests/v1',
          '/v2/a/%2E%2E/b/tags/list',
          '/v2/b/./manifests/v1',
          '/v2/./b/manifests/v1',
          '/v2/b//manifests/v1',
          '/v2//b/manifests/v1',
          '/v2/a/../b/blobs/uploads/',
        ];
        for (const path of paths) {
          const res = await reg.request(path.endsWith('uploads/') ? 'POST' : 'GET', path);
          expect(res.status, path).toBe(400);
          expectOciError(res, 400, 'NAME_INVALID');
        }
        expect((await reg.request('GET', '/v2/b/manifests/v1')).status).toBe(200);
      });

      it('percent-encoded paths mean their decoded text; malformed encoding is 400 NAME_INVALID', async () => {
        const reg = registry();
        const b = buildImage();
        await pushBuiltImage(reg, 'b', b, 'v1');
        const ab = buildImage();
        await pushBuiltImage(reg, 'a/b', ab, 'v1');
        const encodedDigest = b.digest.replace(':', '%3A');
        const cases: Array<[string, Buffer]> = [
          ['/v2/%62/manifests/v1', b.manifest],
          ['/v2/a%2Fb/manifests/v1', ab.manifest],
          [`/v2/b/manifests/${encodedDigest}`, b.manifest],
        ];
        for (const [path, manifest] of cases) {
          const res = await reg.request('GET', path);
          expect(res.status, path).toBe(200);
          expect(res.body.equals(manifest), path).toBe(true);
        }
        for (const path of ['/v2/b%zz/manifests/v1', '/v2/b/manifests/%E0%A4%A', '/v2/%/tags/list']) {
          expectOciError(await reg.request('GET', path), 400, 'NAME_INVALID');
        }
      });

      it('invalid names: 400 NAME_INVALID on every endpoint', async () => {
        const reg = registry();
        for (const name of ['UPPER', 'a_', '-a', 'a..b', 'a/', 'a%20b', `${'a'.repeat(257)}`, 'a/'.repeat(200) + 'a']) {
          for (const [method, path] of [
            ['GET', `/v2/${name}/manifests/latest`],
            ['PUT', `/v2/${name}/manifests/latest`],
            ['GET', `/v2/${name}/blobs/${ABSENT_DIGEST}`],
            ['POST', `/v2/${name}/blobs/uploads/`],
            ['GET', `/v2/${name}/tags/list`],
            ['GET', `/v2/${name}/referrers/${ABSENT_DIGEST}`],
          ] as const) {
            const res = await reg.request(method, path, method === 'PUT' ? { body: '{}' } : {});
            expectOciError(res, 400, 'NAME_INVALID');
          }
        }
        // The longest allowed name (256) is fine.
        expect((await reg.request('POST', `/v2/${'a'.repeat(256)}/blobs/uploads/`)).status).toBe(202);
      });

      it('a path that is no endpoint: 400 NAME_INVALID in the envelope', async () => {
        const reg = registry();
        for (const path of ['/v2/foo', '/v2/foo/bar', '/v2/repo/manifests/', '/v2/repo/blobs/', '/v2/repo/tags', '/v2/_catalog/x']) {
          expectOciError(await reg.request('GET', path), 400, 'NAME_INVALID');
        }
      });

      it('a very long path (10 000 characters) is refused with a short answer', async () => {
        const reg = registry();
        const res = await reg.request('GET', `/v2/${'abc/'.repeat(2500)}manifests/latest`);
        const body = expectOciError(res, 400, 'NAME_INVALID');
        expect(JSON.stringify(body).length).toBeLessThan(1024);
      });
    });

    describe('oversized requests', () => {
      it('a header block over limits.maxHeaderBytes: 431, and the registry keeps serving', async () => {
        const reg = registry();
        const big = await freshRequest(reg, 'GET', '/v2/', { 'x-padding': 'p'.repeat(20 * 1024) });
        expect(big.status).toBe(431);
        const many: OutgoingHttpHeaders = {};
        for (let i = 0; i < 300; i++) many[`x-h${i}`] = 'v'.repeat(80);
        expect((await freshRequest(reg, 'GET', '/v2/', many)).status).toBe(431);
        const longUrl = await freshRequest(reg, 'GET', `/v2/${'a'.repeat(20 * 1024)}/manifests/latest`, {});
        expect(longUrl.status).toBe(431);
        await reg.expectAlive();
        // Just under the limit is fine.
        expect((await freshRequest(reg, 'GET', '/v2/', { 'x-padding': 'p'.repeat(8 * 1024) })).status).toBe(200);
      });

      it('a 431 says Connection: close and answers in the error envelope', async () => {
        const reg = registry();
        const big = await freshRequest(reg, 'GET', '/v2/', { 'x-padding': 'p'.repeat(20 * 1024) });
        expect(big.status).toBe(431);
        expect(big.headers.connection).toBe('close');
        expectOciError(big, 431, 'SIZE_INVALID');
      });
    });
  });

  describe(`rate limits [${store}]`, () => {
    const clock = new ManualClock();
    const registry = useTestRegistry({ store, clock, config: { limits: { requestsPerSecondPerClient: 2 } } });

    it('repeated failed authentication: 429 TOOMANYREQUESTS after a burst; valid credentials still pass; it recovers', async () => {
      const reg = registry();
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) statuses.push((await reg.request('GET', '/v2/', { auth: false })).status);
      expect(statuses.filter((s) => s === 401).length).toBe(50);
      expect(statuses.slice(50)).toEqual(Array(10).fill(429));
      expectOciError(await reg.request('GET', '/v2/', { auth: false }), 429, 'TOOMANYREQUESTS');
      expect((await reg.request('GET', '/v2/')).status).toBe(200);
      clock.advance(10_000);
      expectOciError(await reg.request('GET', '/v2/', { auth: false }), 401, 'UNAUTHORIZED');
      clock.advance(10_000);
    });

    it('a client over limits.requestsPerSecondPerClient: 429 TOOMANYREQUESTS until time passes', async () => {
      const reg = registry();
      clock.advance(60_000); // a full bucket: burst of twice the rate
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await reg.request('GET', '/v2/')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
      const limited = await reg.request('PUT', `/v2/rl/repo/blobs/uploads/x?digest=${ABSENT_DIGEST}`);
      expectOciError(limited, 429, 'TOOMANYREQUESTS');
      clock.advance(1_000);
      expect((await reg.request('GET', '/v2/')).status).toBe(200);
      clock.advance(60_000);
    });
  });
}
