// skopeo and umoci against a real `wharf serve` process: build with umoci, push/inspect/pull with
// skopeo, multi-arch index round trip, cross-repository copy, delete, refused credentials.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTwoArchLayout, buildUmociLayout, OCI_INDEX, OCI_MANIFEST, OciLayout, sha256 } from '../helpers/oci-layout.js';
import { manifestDigest, registryRequest, unservedBlobs, type ImageManifestJson } from '../helpers/registry-http.js';
import { Skopeo } from '../helpers/skopeo.js';
import { startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { describeWithTools } from '../helpers/tools.js';

describeWithTools('skopeo and umoci', ['skopeo', 'umoci'], () => {
  let wharf: WharfProcess;
  let work: string;
  let skopeo: Skopeo;
  let single: OciLayout;
  let singleDigest: string;
  let two: Awaited<ReturnType<typeof buildTwoArchLayout>>;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'wharf-skopeo-'));
    const layouts = Promise.all([
      buildUmociLayout(join(work, 'single'), [
        {
          tag: 'v1',
          cmd: '/app/hello.txt',
          files: { 'app/hello.txt': 'hello from wharf tests\n', 'etc/passwd': 'demo:x:1000:1000::/app:/bin/sh\n', 'app/random.bin': randomBytes(4096) },
        },
      ]),
      buildTwoArchLayout(join(work, 'two')),
    ]);
    layouts.catch(() => undefined); // awaited below, after the server afterAll must stop is assigned
    wharf = await startWharf();
    [single, two] = await layouts;
    skopeo = new Skopeo(wharf);
    singleDigest = (await single.descriptor('v1')).digest;
  }, 180_000);

  afterAll(async () => {
    await wharf?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('pushes a umoci image and reports the same manifest digest and layers', async () => {
    await skopeo.copy(`oci:${single.path}:v1`, 'demo/app:1');

    const info = await skopeo.inspect('demo/app:1');
    const local = await single.json<{ layers: { digest: string }[] }>(singleDigest);
    expect(info.Digest).toBe(singleDigest);
    expect(info.Layers).toEqual(local.layers.map((l) => l.digest));
    expect(info.Architecture).toBe('amd64');
    expect(info.Env).toContain('FOO=bar');
    // The bytes served are the bytes umoci wrote (umoci 0.4.7 writes no mediaType field).
    expect(sha256(await skopeo.rawManifest('demo/app:1'))).toBe(singleDigest);
  });

  it('lists every pushed tag', async () => {
    await skopeo.copy(`oci:${single.path}:v1`, 'demo/app:2');
    expect((await skopeo.listTags('demo/app')).sort()).toEqual(['1', '2']);
  });

  it('pulls the image back with the same manifest digest and every blob intact', async () => {
    const back = new OciLayout(join(work, 'back'));
    await skopeo.copy('demo/app:1', `oci:${back.path}:pulled`);

    expect((await back.descriptor('pulled')).digest).toBe(singleDigest);
    expect(await back.corruptBlobs()).toEqual([]);
    for (const digest of await single.referencedBlobs(singleDigest)) {
      expect((await back.blob(digest)).equals(await single.blob(digest)), digest).toBe(true);
    }
  });

  it('pushes a two-arch OCI index with --all --preserve-digests and pulls back the same index', async () => {
    await skopeo.copy(`oci:${two.layout.path}:multi`, 'demo/multi:multi', ['--all', '--preserve-digests']);

    expect(sha256(await skopeo.rawManifest('demo/multi:multi'))).toBe(two.index);
    expect(await manifestDigest(wharf, 'demo/multi', 'multi', OCI_INDEX)).toBe(two.index);
    for (const child of [two.amd64, two.arm64]) {
      expect(sha256(await skopeo.rawManifest(`demo/multi@${child}`))).toBe(child);
    }

    const back = new OciLayout(join(work, 'back-multi'));
    await skopeo.copy('demo/multi:multi', `oci:${back.path}:multi`, ['--all', '--preserve-digests']);
    expect((await back.descriptor('multi')).digest).toBe(two.index);
    expect(await back.corruptBlobs()).toEqual([]);
    for (const child of [two.amd64, two.arm64]) {
      for (const digest of [child, ...(await two.layout.referencedBlobs(child))]) {
        expect((await back.blob(digest)).equals(await two.layout.blob(digest)), digest).toBe(true);
      }
    }
  });

  it('resolves the platform child of the index with --override-arch', async () => {
    for (const [arch, child] of [['arm64', two.arm64], ['amd64', two.amd64]] as const) {
      const [config, ...layers] = await two.layout.referencedBlobs(child);
      const info = await skopeo.inspect('demo/multi:multi', ['--override-arch', arch]);
      // skopeo reports the digest of the reference it was given (the index) and the child's contents.
      expect(info.Digest).toBe(two.index);
      expect(info.Architecture).toBe(arch);
      expect(info.Layers).toEqual(layers);
      const rawConfig = await skopeo.remote('inspect', 'demo/multi:multi', ['--override-arch', arch, '--config', '--raw']);
      expect(sha256(rawConfig.stdout)).toBe(config);
    }
  });

  it('copies the index to another repository, whose blobs are then served from the new repository', async () => {
    await skopeo.copy('demo/multi:multi', 'demo/other:copy', ['--all', '--preserve-digests']);

    expect(await manifestDigest(wharf, 'demo/other', 'copy')).toBe(two.index);
    for (const child of [two.amd64, two.arm64]) {
      expect(await unservedBlobs(wharf, 'demo/other', await two.layout.json<ImageManifestJson>(child))).toEqual([]);
    }
  });

  it('skopeo delete removes the manifest and every tag on it, in that repository only', async () => {
    await skopeo.copy(`oci:${single.path}:v1`, 'demo/del:a');
    await skopeo.copy(`oci:${single.path}:v1`, 'demo/del:b');
    expect((await skopeo.listTags('demo/del')).sort()).toEqual(['a', 'b']);

    await skopeo.delete('demo/del:a');

    const inspect = await skopeo.remote('inspect', 'demo/del:a', [], true);
    expect(inspect.code).not.toBe(0);
    expect(inspect.stderr).toMatch(/manifest unknown|not found/i);
    expect(await skopeo.listTags('demo/del')).toEqual([]);
    expect((await registryRequest(wharf, 'GET', `/v2/demo/del/manifests/${singleDigest}`, { accept: OCI_MANIFEST })).status).toBe(404);
    // The same manifest in another repository is untouched.
    expect((await skopeo.inspect('demo/app:1')).Digest).toBe(singleDigest);
  });

  it('refuses a push with wrong credentials and stores nothing', async () => {
    const denied = await skopeo.withCreds(`${wharf.accessKeyId}:not-the-secret`).copy(`oci:${single.path}:v1`, 'demo/denied:1', [], true);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/unauthorized|authentication required|401/i);

    const raw = await registryRequest({ ...wharf, secretAccessKey: 'not-the-secret' }, 'GET', '/v2/');
    expect(raw.status).toBe(401);
    expect(raw.headers['www-authenticate']).toBe('Basic realm="wharf"');
    expect(JSON.parse(raw.body.toString()).errors[0].code).toBe('UNAUTHORIZED');

    expect(await manifestDigest(wharf, 'demo/denied', '1')).toBeUndefined();
  });
});
