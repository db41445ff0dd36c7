import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run } from './exec.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
}

interface IndexJson {
  schemaVersion: number;
  manifests: Descriptor[];
}

const REF_NAME = 'org.opencontainers.image.ref.name';

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** An OCI image layout on disk (made by umoci or written by skopeo when it pulls into `oci:`). */
export class OciLayout {
  constructor(readonly path: string) {}

  async index(): Promise<IndexJson> {
    return JSON.parse(await readFile(join(this.path, 'index.json'), 'utf8')) as IndexJson;
  }

  /** The descriptor tagged `ref`, or the only one when `ref` is omitted. */
  async descriptor(ref?: string): Promise<Descriptor> {
    const { manifests } = await this.index();
    const found = ref === undefined ? (manifests.length === 1 ? manifests[0] : undefined) : manifests.find((d) => d.annotations?.[REF_NAME] === ref);
    if (!found) throw new Error(`${this.path}: no manifest ${ref ?? '(single)'} in index.json: ${JSON.stringify(manifests)}`);
    return found;
  }

  blob(digest: string): Promise<Buffer> {
    return readFile(join(this.path, 'blobs', ...digest.split(':')));
  }

  async json<T = Record<string, unknown>>(digest: string): Promise<T> {
    return JSON.parse((await this.blob(digest)).toString('utf8')) as T;
  }

  /** Every blob file name, as digests. */
  async blobDigests(): Promise<string[]> {
    const names = await readdir(join(this.path, 'blobs', 'sha256'));
    return names.map((n) => `sha256:${n}`);
  }

  /** Reads every blob and returns those whose sha256 differs from their file name (an empty list when all are intact). */
  async corruptBlobs(): Promise<string[]> {
    const bad: string[] = [];
    for (const d of await this.blobDigests()) if (sha256(await this.blob(d)) !== d) bad.push(d);
    return bad;
  }

  /** The digests an image manifest references: config then layers. */
  async referencedBlobs(manifestDigest: string): Promise<string[]> {
    const m = await this.json<{ config: Descriptor; layers: Descriptor[] }>(manifestDigest);
    return [m.config.digest, ...m.layers.map((l) => l.digest)];
  }

  async writeBlob(data: Buffer): Promise<string> {
    const digest = sha256(data);
    const file = join(this.path, 'blobs', ...digest.split(':'));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, data);
    return digest;
  }

  /**
   * Writes a two-or-more-platform OCI index over manifests already in the layout (by tag) and
   * tags it `tag`, the way a hand-made multi-arch image is assembled. Returns its digest.
   */
  async addIndex(tag: string, childTags: readonly string[]): Promise<string> {
    const manifests: Descriptor[] = [];
    for (const t of childTags) {
      const d = await this.descriptor(t);
      const m = await this.json<{ config: Descriptor }>(d.digest);
      const cfg = await this.json<{ architecture: string; os: string }>(m.config.digest);
      manifests.push({ mediaType: d.mediaType, digest: d.digest, size: d.size, platform: { architecture: cfg.architecture, os: cfg.os } });
    }
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
    const digest = await this.writeBlob(bytes);
    const index = await this.index();
    index.manifests.push({ mediaType: OCI_INDEX, digest, size: bytes.length, annotations: { [REF_NAME]: tag } });
    await writeFile(join(this.path, 'index.json'), JSON.stringify(index));
    return digest;
  }
}

export interface UmociImage {
  /** Files to put in the root filesystem, path → content. */
  files: Record<string, string | Buffer>;
  /** Tag in the layout. */
  tag: string;
  architecture?: string;
  cmd?: string;
}

/**
 * Builds single-layer images with umoci in `dir/layout`: init, new, unpack --rootless, add the
 * files, repack, config. Every image starts from its own empty base so their layers differ.
 */
export async function buildUmociLayout(dir: string, images: readonly UmociImage[]): Promise<OciLayout> {
  const layout = join(dir, 'layout');
  await run('umoci', ['init', '--layout', layout]);
  for (const [i, img] of images.entries()) {
    const base = `base-${i}`;
    const bundle = join(dir, `bundle-${i}`);
    await run('umoci', ['new', '--image', `${layout}:${base}`]);
    await run('umoci', ['unpack', '--rootless', '--image', `${layout}:${base}`, bundle]);
    for (const [path, content] of Object.entries(img.files)) {
      const file = join(bundle, 'rootfs', path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
    await run('umoci', ['repack', '--image', `${layout}:${base}`, bundle]);
    await run('umoci', [
      'config',
      '--image', `${layout}:${base}`,
      '--tag', img.tag,
      '--config.cmd', img.cmd ?? '/bin/true',
      '--config.env', 'FOO=bar',
      '--author', 'wharf-tests',
      ...(img.architecture ? ['--architecture', img.architecture] : []),
    ]);
  }
  return new OciLayout(layout);
}

/** A layout with `amd64` and `arm64` images (different files) and an index `multi` over both. */
export async function buildTwoArchLayout(dir: string): Promise<{ layout: OciLayout; amd64: string; arm64: string; index: string }> {
  const layout = await buildUmociLayout(dir, [
    { tag: 'amd64', architecture: 'amd64', files: { 'app/arch.txt': 'amd64\n', 'app/random.bin': randomBytes(2048) } },
    { tag: 'arm64', architecture: 'arm64', files: { 'app/arch.txt': 'arm64\n', 'app/random.bin': randomBytes(2048) } },
  ]);
  const index = await layout.addIndex('multi', ['amd64', 'arm64']);
  return { layout, amd64: (await layout.descriptor('amd64')).digest, arm64: (await layout.descriptor('arm64')).digest, index };
}
