// Crash safety of a real `wharf serve` process: SIGKILL in the middle of a streamed blob upload
// and right after a 201, then a restart on the same data directory.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { OCI_MANIFEST, sha256 } from '../helpers/oci-layout.js';
import {
  basicAuth,
  getManifest,
  pushBlob,
  pushImage,
  pushManifest,
  registryRequest,
  startUpload,
  withDigest,
  type PushedImage,
  type RegistryTarget,
} from '../helpers/registry-http.js';
import { startWharf, type WharfProcess } from '../helpers/start-wharf.js';

describe('kill -9 and restart on the same data dir', () => {
  let wharf: WharfProcess | undefined;

  afterEach(async () => {
    await wharf?.stop();
    wharf = undefined;
  });

  /** Every blob and the manifest of `image` are served as pushed, by tag and by digest. */
  async function expectImageIntact(target: RegistryTarget, repo: string, tag: string, image: PushedImage): Promise<void> {
    for (const ref of [tag, image.digest]) {
      const m = await getManifest(target, repo, ref);
      expect(m.digest).toBe(image.digest);
      expect(m.bytes.equals(image.manifest)).toBe(true);
    }
    for (const [digest, bytes] of image.blobs) {
      const res = await registryRequest(target, 'GET', `/v2/${repo}/blobs/${digest}`);
      expect(res.status, digest).toBe(200);
      expect(res.body.equals(bytes), digest).toBe(true);
    }
  }

  it('a blob whose PATCH was cut off by the crash is not visible; it can be uploaded again; earlier data is intact', { timeout: 180_000 }, async () => {
    wharf = await startWharf();
    const before = await pushImage(wharf, 'crash/mid', 'before', randomBytes(256 * 1024));

    const big = randomBytes(48 * 1024 * 1024);
    const digest = sha256(big);
    const upload = await startUpload(wharf, 'crash/mid');
    const running = wharf;
    const sent = await streamHalfThenKill(wharf, upload, big, () => running.kill9());
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(big.length);

    wharf = await wharf.restart();
    const head = await registryRequest(wharf, 'HEAD', `/v2/crash/mid/blobs/${digest}`);
    expect(head.status).toBe(404);
    expect((await registryRequest(wharf, 'GET', `/v2/crash/mid/blobs/${digest}`)).status).toBe(404);

    expect(await pushBlob(wharf, 'crash/mid', big)).toBe(digest);
    const again = await registryRequest(wharf, 'HEAD', `/v2/crash/mid/blobs/${digest}`);
    expect(again.status).toBe(200);
    expect(again.headers['content-length']).toBe(String(big.length));
    expect(again.headers['docker-content-digest']).toBe(digest);
    const got = await registryRequest(wharf, 'GET', `/v2/crash/mid/blobs/${digest}`);
    expect(sha256(got.body)).toBe(digest);

    await expectImageIntact(wharf, 'crash/mid', 'before', before);
  });

  it('the upload cut off by the crash is gone, or resumes from the offset its status reports', { timeout: 180_000 }, async () => {
    wharf = await startWharf();
    const big = randomBytes(32 * 1024 * 1024);
    const upload = await startUpload(wharf, 'crash/resume');
    const running = wharf;
    await streamHalfThenKill(wharf, upload, big, () => running.kill9());

    wharf = await wharf.restart();
    const status = await registryRequest(wharf, 'GET', upload);
    if (status.status === 404) return; // dropped with the crash: a client starts over, as the first test shows
    expect(status.status).toBe(204);
    // `Range: 0-<last byte held>`; "0-0" is what registries report for an empty upload.
    const range = /^0-(\d+)$/.exec(String(status.headers.range));
    expect(range, `Range header ${status.headers.range}`).not.toBeNull();
    const offset = range![1] === '0' ? 0 : Number(range![1]) + 1;

    const rest = await registryRequest(wharf, 'PATCH', upload, {
      body: big.subarray(offset),
      headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${big.length - 1}` },
    });
    expect(rest.status, `PATCH from the reported offset ${offset}: ${rest.body.toString()}`).toBe(202);
    const next = new URL(String(rest.headers.location ?? upload), wharf.url);
    const put = await registryRequest(wharf, 'PUT', withDigest(next.pathname + next.search, sha256(big)));
    expect(put.status, put.body.toString()).toBe(201);
    const got = await registryRequest(wharf, 'GET', `/v2/crash/resume/blobs/${sha256(big)}`);
    expect(got.body.equals(big)).toBe(true);
  });

  it('a blob whose PUT answered 201 just before the crash is served after restart', { timeout: 120_000 }, async () => {
    wharf = await startWharf();
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const digest = await pushBlob(wharf, 'crash/blob', bytes);
    await wharf.kill9();

    wharf = await wharf.restart();
    const head = await registryRequest(wharf, 'HEAD', `/v2/crash/blob/blobs/${digest}`);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(bytes.length));
    expect(head.headers['docker-content-digest']).toBe(digest);
    const got = await registryRequest(wharf, 'GET', `/v2/crash/blob/blobs/${digest}`);
    expect(got.status).toBe(200);
    expect(got.body.equals(bytes)).toBe(true);
  });

  it('a manifest whose PUT answered 201 just before the crash is served after restart, by tag and digest', { timeout: 120_000 }, async () => {
    wharf = await startWharf();
    const layer = randomBytes(64 * 1024);
    const image = await pushImage(wharf, 'crash/manifest', 'v1', layer);
    // A second tag on the same bytes: the last thing before the crash.
    expect(await pushManifest(wharf, 'crash/manifest', 'v2', image.manifest, OCI_MANIFEST)).toBe(image.digest);
    await wharf.kill9();

    wharf = await wharf.restart();
    await expectImageIntact(wharf, 'crash/manifest', 'v1', image);
    await expectImageIntact(wharf, 'crash/manifest', 'v2', image);
    const tags = await registryRequest(wharf, 'GET', '/v2/crash/manifest/tags/list');
    expect(JSON.parse(tags.body.toString()).tags.sort()).toEqual(['v1', 'v2']);
  });
});

/**
 * Starts a PATCH that announces all of `body` but sends only about half of it, waits until the
 * server has taken those bytes off the socket (the write buffer drained), then calls `crash`.
 * Resolves with the number of bytes written once the connection is gone.
 */
function streamHalfThenKill(target: RegistryTarget, uploadPath: string, body: Buffer, crash: () => Promise<void>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(uploadPath, target.url), {
      method: 'PATCH',
      headers: {
        authorization: basicAuth(target),
        'content-type': 'application/octet-stream',
        'content-length': String(body.length),
      },
    });
    let sent = 0;
    let crashed: Promise<void> | undefined;
    const done = () =>
      crashed ? crashed.then(() => resolve(sent), reject) : reject(new Error(`the PATCH ended before the crash (${sent} bytes sent)`));
    req.on('response', (res) => {
      res.resume();
      res.on('end', done);
      res.on('error', done);
    });
    req.on('error', done);
    req.on('close', done);

    const chunk = 1024 * 1024;
    const half = body.length / 2;
    // A server that stops reading the body would leave us waiting on 'drain' forever.
    const stalled = setTimeout(() => {
      req.destroy();
      reject(new Error(`the server stopped reading the PATCH body after ${sent} bytes`));
    }, 60_000);
    const writeMore = (): void => {
      while (sent < half) {
        const ok = req.write(body.subarray(sent, sent + chunk));
        sent += chunk;
        if (!ok) {
          req.once('drain', writeMore);
          return;
        }
      }
      // Wait until what we wrote has left our buffers for the kernel's: the server is reading it.
      const flushed = (): void => {
        if (req.writableLength > 0 || !req.socket || req.socket.writableLength > 0) {
          setTimeout(flushed, 10);
          return;
        }
        clearTimeout(stalled);
        crashed = crash();
      };
      flushed();
    };
    writeMore();
  });
}
