// containerd's ctr against a real `wharf serve` process, through a private containerd (own
// root, state and socket; CRI plugin off). Images are built with umoci and pushed with skopeo.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startContainerd, type Containerd } from '../helpers/containerd.js';
import { buildTwoArchLayout, buildUmociLayout, OCI_INDEX, OCI_MANIFEST, sha256, type OciLayout } from '../helpers/oci-layout.js';
import { getManifest, manifestDigest, unservedBlobs } from '../helpers/registry-http.js';
import { Skopeo } from '../helpers/skopeo.js';
import { startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { describeWithTools } from '../helpers/tools.js';

describeWithTools('containerd ctr', ['containerd', 'ctr', 'skopeo', 'umoci'], () => {
  let wharf: WharfProcess;
  let containerd: Containerd;
  let work: string;
  let single: OciLayout;
  let singleDigest: string;
  let two: Awaited<ReturnType<typeof buildTwoArchLayout>>;
  let auth: string[];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'wharf-ctr-'));
    const layouts = Promise.all([
      buildUmociLayout(join(work, 'single'), [{ tag: 'v1', files: { 'app/hello.txt': 'hello, containerd\n' } }]),
      buildTwoArchLayout(join(work, 'two')),
    ]);
    layouts.catch(() => undefined); // awaited below, after the processes afterAll must stop are assigned
    wharf = await startWharf();
    containerd = await startContainerd();
    [single, two] = await layouts;
    singleDigest = (await single.descriptor('v1')).digest;
    auth = ['--plain-http', '--user', `${wharf.accessKeyId}:${wharf.secretAccessKey}`];
    const skopeo = new Skopeo(wharf);
    await skopeo.copy(`oci:${single.path}:v1`, 'demo/app:1');
    await skopeo.copy(`oci:${two.layout.path}:multi`, 'demo/multi:multi', ['--all', '--preserve-digests']);
  }, 300_000);

  afterAll(async () => {
    await wharf?.stop();
    await containerd?.stop();
    await rm(work, { recursive: true, force: true });
  });

  /** The image record containerd keeps for `ref`: its type, digest and platforms. */
  async function imageRecord(ref: string): Promise<{ type: string; digest: string; platforms: string[] }> {
    const { stdout } = await containerd.ctr(['images', 'ls', `name==${ref}`]);
    const row = stdout.split('\n').find((l) => l.startsWith(`${ref} `));
    if (!row) throw new Error(`ctr images ls has no ${ref}:\n${stdout}`);
    const [, type, digest, , , platforms] = row.trim().split(/\s+/);
    return { type: type!, digest: digest!, platforms: platforms!.split(',').sort() };
  }

  /** sha256 of a blob's bytes in containerd's content store. */
  async function contentDigest(digest: string): Promise<string> {
    return sha256((await containerd.ctr(['content', 'get', digest])).stdoutBytes);
  }

  it('pulls an image with the registry digest and every blob intact', async () => {
    const ref = `${wharf.host}/demo/app:1`;
    await containerd.ctr(['images', 'pull', ...auth, ref]);

    expect(await imageRecord(ref)).toMatchObject({ type: OCI_MANIFEST, digest: singleDigest, platforms: ['linux/amd64'] });
    for (const digest of [singleDigest, ...(await single.referencedBlobs(singleDigest))]) {
      expect(await contentDigest(digest)).toBe(digest);
    }
  });

  it('pulls the two-arch index with --all-platforms', async () => {
    const ref = `${wharf.host}/demo/multi:multi`;
    await containerd.ctr(['images', 'pull', ...auth, '--all-platforms', ref]);

    expect(await imageRecord(ref)).toMatchObject({ type: OCI_INDEX, digest: two.index, platforms: ['linux/amd64', 'linux/arm64'] });
    for (const child of [two.amd64, two.arm64]) {
      for (const digest of [child, ...(await two.layout.referencedBlobs(child))]) {
        expect(await contentDigest(digest)).toBe(digest);
      }
    }
  });

  it('tags and pushes an image to another repository with the same digest', async () => {
    const ref = `${wharf.host}/demo/ctr:pushed`;
    await containerd.ctr(['images', 'tag', `${wharf.host}/demo/app:1`, ref]);
    await containerd.ctr(['images', 'push', ...auth, ref]);

    const m = await getManifest(wharf, 'demo/ctr', 'pushed');
    expect(m.digest).toBe(singleDigest);
    expect(m.contentType).toBe(OCI_MANIFEST);
    expect(await unservedBlobs(wharf, 'demo/ctr', m.json)).toEqual([]);
  });

  it('pushes the index to another repository with the same index and child digests', async () => {
    const ref = `${wharf.host}/demo/ctr:multi`;
    await containerd.ctr(['images', 'tag', `${wharf.host}/demo/multi:multi`, ref]);
    await containerd.ctr(['images', 'push', ...auth, ref]);

    expect(await manifestDigest(wharf, 'demo/ctr', 'multi', OCI_INDEX)).toBe(two.index);
    for (const child of [two.amd64, two.arm64]) {
      const m = await getManifest(wharf, 'demo/ctr', child, OCI_MANIFEST);
      expect(m.digest).toBe(child);
      expect(await unservedBlobs(wharf, 'demo/ctr', m.json)).toEqual([]);
    }
  });

  it('cannot pull with wrong credentials', async () => {
    const res = await containerd.ctr(['images', 'pull', '--plain-http', '--user', `${wharf.accessKeyId}:wrong`, `${wharf.host}/demo/app:1`], true);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/unauthorized|401/i);
  });
});
