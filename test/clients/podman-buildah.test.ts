// buildah and podman against a real `wharf serve` process. Each tool works in its own private
// containers/storage (temp dir, vfs), so a pull really downloads and nothing global is left.
//
// Not covered, because it cannot work in this sandbox: running a container. `podman run` fails
// here with "crun: setrlimit `RLIMIT_NOFILE`: Operation not permitted" whatever the registry
// does, so these tests stop at pull/push and read the pulled files from the image store instead.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ContainersStorage } from '../helpers/containers-storage.js';
import { DOCKER_MANIFEST_V2, OCI_MANIFEST, sha256 } from '../helpers/oci-layout.js';
import { getManifest, unservedBlobs } from '../helpers/registry-http.js';
import { startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { describeWithTools } from '../helpers/tools.js';

const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

describeWithTools('buildah and podman', ['buildah', 'podman'], () => {
  let wharf: WharfProcess;
  let builder: ContainersStorage;
  let puller: ContainersStorage;
  let creds: string[];
  const content = `built by buildah ${randomBytes(16).toString('hex')}\n`;
  const image = 'localhost/wharf-test:1';

  beforeAll(async () => {
    // One at a time, so that afterAll can clean up whatever started before a failure.
    wharf = await startWharf();
    builder = await ContainersStorage.create();
    puller = await ContainersStorage.create();
    creds = ['--creds', `${wharf.accessKeyId}:${wharf.secretAccessKey}`, '--tls-verify=false'];

    const file = join(builder.dir, 'bfile.txt');
    await writeFile(file, content);
    const container = (await builder.buildah(['from', 'scratch'])).stdout.trim();
    await builder.buildah(['copy', container, file, '/bfile.txt']);
    await builder.buildah(['config', '--cmd', '["/bfile.txt"]', '--label', 'wharf.test=1', container]);
    await builder.buildah(['commit', '-q', container, image]);
    await builder.buildah(['rm', container]);
  }, 300_000);

  afterAll(async () => {
    await wharf?.stop();
    await builder?.remove();
    await puller?.remove();
  });

  it('buildah pushes the image as OCI', async () => {
    await builder.buildah(['push', ...creds, image, `docker://${wharf.host}/demo/buildah:oci`]);

    const m = await getManifest(wharf, 'demo/buildah', 'oci', OCI_MANIFEST);
    expect(m.contentType).toBe(OCI_MANIFEST);
    expect(m.json.mediaType).toBe(OCI_MANIFEST);
    expect(m.json.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    expect(m.json.layers.map((l) => l.mediaType)).toEqual(['application/vnd.oci.image.layer.v1.tar+gzip']);
    expect(m.digest).toBe(sha256(m.bytes));
    expect(await unservedBlobs(wharf, 'demo/buildah', m.json)).toEqual([]);
  });

  it('buildah pushes the image as Docker v2s2', async () => {
    await builder.buildah(['push', ...creds, '--format', 'v2s2', image, `docker://${wharf.host}/demo/buildah:v2s2`]);

    const m = await getManifest(wharf, 'demo/buildah', 'v2s2', DOCKER_MANIFEST_V2);
    expect(m.contentType).toBe(DOCKER_MANIFEST_V2);
    expect(m.json.mediaType).toBe(DOCKER_MANIFEST_V2);
    expect(m.json.config.mediaType).toBe(DOCKER_CONFIG);
    expect(m.json.layers.map((l) => l.mediaType)).toEqual([DOCKER_LAYER]);
    expect(m.digest).toBe(sha256(m.bytes));
    expect(await unservedBlobs(wharf, 'demo/buildah', m.json)).toEqual([]);
  });

  it('podman pulls both forms back into an empty store with the registry digest and the built file', async () => {
    for (const tag of ['oci', 'v2s2']) {
      const ref = `${wharf.host}/demo/buildah:${tag}`;
      const { digest } = await getManifest(wharf, 'demo/buildah', tag);
      await puller.podman(['pull', ...creds, ref]);

      const repoDigests = (await puller.podman(['image', 'inspect', '--format', '{{json .RepoDigests}}', ref])).stdout;
      expect(JSON.parse(repoDigests)).toContain(`${wharf.host}/demo/buildah@${digest}`);
      const labels = (await puller.podman(['image', 'inspect', '--format', '{{json .Labels}}', ref])).stdout;
      expect(JSON.parse(labels)).toMatchObject({ 'wharf.test': '1' });
      expect(await readImageFile(puller, ref, 'bfile.txt')).toBe(content);
    }
  });

  it('podman pushes the pulled image as Docker v2s2 to another repository', async () => {
    await puller.podman(['push', ...creds, '--format', 'v2s2', `${wharf.host}/demo/buildah:oci`, `docker://${wharf.host}/demo/podman:v2s2`]);

    const m = await getManifest(wharf, 'demo/podman', 'v2s2', DOCKER_MANIFEST_V2);
    expect(m.contentType).toBe(DOCKER_MANIFEST_V2);
    expect(m.json.mediaType).toBe(DOCKER_MANIFEST_V2);
    expect(m.json.config.mediaType).toBe(DOCKER_CONFIG);
    expect(await unservedBlobs(wharf, 'demo/podman', m.json)).toEqual([]);

    // And it comes back whole into a third, empty store.
    const third = await ContainersStorage.create();
    try {
      await third.podman(['pull', ...creds, `${wharf.host}/demo/podman:v2s2`]);
      expect(await readImageFile(third, `${wharf.host}/demo/podman:v2s2`, 'bfile.txt')).toBe(content);
    } finally {
      await third.remove();
    }
  });

  it('podman cannot pull with wrong credentials', async () => {
    const fresh = await ContainersStorage.create();
    try {
      const res = await fresh.podman(['pull', '--creds', `${wharf.accessKeyId}:wrong`, '--tls-verify=false', `${wharf.host}/demo/buildah:oci`], true);
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/unauthorized|authentication required|401/i);
    } finally {
      await fresh.remove();
    }
  });
});

/** Reads a file from an image in the store through `podman image mount` (vfs: a plain directory). */
async function readImageFile(store: ContainersStorage, ref: string, path: string): Promise<string> {
  const root = (await store.podman(['image', 'mount', ref])).stdout.trim();
  try {
    return await readFile(join(root, path), 'utf8');
  } finally {
    await store.podman(['image', 'unmount', ref]);
  }
}
