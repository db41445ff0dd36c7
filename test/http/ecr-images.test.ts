import { randomBytes } from 'node:crypto';
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  DescribeImagesCommand,
  type ECRClient,
  ListImageReferrersCommand,
  ListImagesCommand,
  PutImageCommand,
  type ImageIdentifier,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/exec.js';
import { OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_V2, sha256 } from '../helpers/oci-layout.js';
import { pushBlob, pushImage, pushManifest, registryRequest, type RegistryTarget } from '../helpers/registry-http.js';
import { startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { ACCOUNT, ecrClient } from './ecr-support.js';

const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

let wharf: WharfProcess;
let ecr: ECRClient;

beforeAll(async () => {
  wharf = await startWharf();
  ecr = ecrClient(wharf);
});

afterAll(async () => {
  ecr?.destroy();
  await wharf?.stop();
});

/** An OCI image manifest over a pushed config and layer (the layer's bytes are its size). */
function imageManifest(config: Buffer, layer: Buffer, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
      layers: [{ mediaType: OCI_LAYER, digest: sha256(layer), size: layer.length }],
      ...extra,
    }),
  );
}

/** Pushes an image's blobs and its manifest under `ref` (a tag, or its own digest for an untagged image). */
async function pushTo(target: RegistryTarget, repo: string, ref: string | undefined, layerSize: number, extra: Record<string, unknown> = {}): Promise<{ digest: string; manifest: Buffer; size: number }> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', nonce: randomBytes(8).toString('hex') }));
  const layer = randomBytes(layerSize);
  await pushBlob(target, repo, config);
  await pushBlob(target, repo, layer);
  const manifest = imageManifest(config, layer, extra);
  const digest = await pushManifest(target, repo, ref ?? sha256(manifest), manifest, OCI_MANIFEST);
  return { digest, manifest, size: layerSize };
}

function indexOf(children: readonly { digest: string; manifest: Buffer }[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: children.map((c, i) => ({ mediaType: OCI_MANIFEST, digest: c.digest, size: c.manifest.length, platform: { architecture: i ? 'arm64' : 'amd64', os: 'linux' } })),
    }),
  );
}

const key = (id: ImageIdentifier) => `${id.imageDigest ?? ''} ${id.imageTag ?? ''}`;

async function listAll(repositoryName: string, pageSize: number, tagStatus?: 'TAGGED' | 'UNTAGGED' | 'ANY'): Promise<ImageIdentifier[]> {
  const ids: ImageIdentifier[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecr.send(new ListImagesCommand({ repositoryName, maxResults: pageSize, nextToken, ...(tagStatus ? { filter: { tagStatus } } : {}) }));
    expect(page.imageIds!.length).toBeLessThanOrEqual(pageSize);
    ids.push(...page.imageIds!);
    nextToken = page.nextToken;
  } while (nextToken);
  return ids;
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('ECR image actions over the AWS SDK', () => {
  const repo = 'ecr-images/app';
  let a: Awaited<ReturnType<typeof pushTo>>;
  let b: Awaited<ReturnType<typeof pushTo>>;
  let untagged: Awaited<ReturnType<typeof pushTo>>;
  let index: string;
  let referrer: string;

  beforeAll(async () => {
    a = await pushTo(wharf, repo, 'v1', 3000);
    await pushManifest(wharf, repo, 'v2', a.manifest, OCI_MANIFEST);
    b = await pushTo(wharf, repo, 'latest', 5000);
    untagged = await pushTo(wharf, repo, undefined, 1000);
    index = await pushManifest(wharf, repo, 'multi', indexOf([a, b]), OCI_INDEX);
    const empty = Buffer.from('{}');
    await pushBlob(wharf, repo, empty);
    const sbom = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: 'application/vnd.example.sbom',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(empty), size: 2 },
        layers: [{ mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(empty), size: 2 }],
        subject: { mediaType: OCI_MANIFEST, digest: a.digest, size: a.manifest.length },
        annotations: { 'org.example.kind': 'sbom' },
      }),
    );
    referrer = await pushManifest(wharf, repo, sha256(sbom), sbom, OCI_MANIFEST);
  });

  it('ListImages lists one id per tag and one per untagged image, filtered and paged by opaque tokens', async () => {
    const all = await listAll(repo, 1000);
    expect(all.map(key).sort()).toEqual(
      [
        { imageDigest: a.digest, imageTag: 'v1' },
        { imageDigest: a.digest, imageTag: 'v2' },
        { imageDigest: b.digest, imageTag: 'latest' },
        { imageDigest: index, imageTag: 'multi' },
        { imageDigest: untagged.digest },
        { imageDigest: referrer },
      ]
        .map(key)
        .sort(),
    );
    // Pages of one split an image's tags across pages and still list everything once.
    expect((await listAll(repo, 1)).map(key)).toEqual(all.map(key));
    expect((await listAll(repo, 2, 'TAGGED')).map(key).sort()).toEqual(all.filter((i) => i.imageTag).map(key).sort());
    expect((await listAll(repo, 1, 'UNTAGGED')).map(key).sort()).toEqual([untagged.digest, referrer].map((d) => key({ imageDigest: d })).sort());

    const first = await ecr.send(new ListImagesCommand({ repositoryName: repo, maxResults: 1 }));
    expect(first.nextToken).toMatch(/^[A-Za-z0-9_-]+$/);
    // A token belongs to its listing; a made-up one is refused too.
    await expect(ecr.send(new DescribeImagesCommand({ repositoryName: repo, nextToken: first.nextToken }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(ecr.send(new ListImagesCommand({ repositoryName: repo, nextToken: 'bm90IGEgdG9rZW4' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(ecr.send(new ListImagesCommand({ repositoryName: 'ecr-images/missing' }))).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
      message: `The repository with name 'ecr-images/missing' does not exist in the registry with id '${ACCOUNT}'`,
    });
  });

  it('DescribeImages describes images by id with ECR field names and epoch-second timestamps', async () => {
    const before = Date.now();
    const out = await ecr.send(new DescribeImagesCommand({ repositoryName: repo, imageIds: [{ imageTag: 'v1' }, { imageDigest: a.digest }, { imageTag: 'multi' }] }));
    expect(out.imageDetails).toHaveLength(2); // v1 and a.digest are one image
    const [image, multi] = out.imageDetails!;
    expect(image).toEqual({
      registryId: ACCOUNT,
      repositoryName: repo,
      imageDigest: a.digest,
      imageTags: ['v1', 'v2'],
      imageSizeInBytes: 3000,
      imagePushedAt: expect.any(Date),
      imageManifestMediaType: OCI_MANIFEST,
      artifactMediaType: OCI_CONFIG,
      imageStatus: 'ACTIVE',
    });
    expect(image!.imagePushedAt!.getTime()).toBeLessThanOrEqual(before);
    // An index is as large as its largest child, as ECR reports manifest lists.
    expect(multi).toMatchObject({ imageDigest: index, imageTags: ['multi'], imageSizeInBytes: 5000, imageManifestMediaType: OCI_INDEX });
    expect(multi!.artifactMediaType).toBeUndefined();

    const [sbom] = (await ecr.send(new DescribeImagesCommand({ repositoryName: repo, imageIds: [{ imageDigest: referrer }] }))).imageDetails!;
    expect(sbom).toMatchObject({ artifactMediaType: 'application/vnd.example.sbom', subjectManifestDigest: a.digest });
    expect(sbom!.imageTags).toBeUndefined();

    await expect(ecr.send(new DescribeImagesCommand({ repositoryName: repo, imageIds: [{ imageTag: 'nope' }] }))).rejects.toMatchObject({
      name: 'ImageNotFoundException',
      message: `The image with imageId {imageDigest:'null', imageTag:'nope'} does not exist within the repository with name '${repo}' in the registry with id '${ACCOUNT}'`,
    });
    await expect(ecr.send(new DescribeImagesCommand({ repositoryName: repo, imageIds: [{ imageTag: 'v1' }], maxResults: 5 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('DescribeImages pages through the repository with tagStatus filters', async () => {
    const digests: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ecr.send(new DescribeImagesCommand({ repositoryName: repo, maxResults: 2, nextToken }));
      expect(page.imageDetails!.length).toBeLessThanOrEqual(2);
      digests.push(...page.imageDetails!.map((d) => d.imageDigest!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(digests.sort()).toEqual([a.digest, b.digest, untagged.digest, index, referrer].sort());

    const untaggedOnly = await ecr.send(new DescribeImagesCommand({ repositoryName: repo, filter: { tagStatus: 'UNTAGGED' } }));
    expect(untaggedOnly.imageDetails!.map((d) => d.imageDigest).sort()).toEqual([untagged.digest, referrer].sort());
    expect(untaggedOnly.nextToken).toBeUndefined();
    const archived = await ecr.send(new DescribeImagesCommand({ repositoryName: repo, filter: { imageStatus: 'ARCHIVED' } }));
    expect(archived.imageDetails).toEqual([]);
  });

  it('BatchGetImage returns manifests as pushed and a failure per id it cannot serve', async () => {
    const out = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: repo,
        imageIds: [
          { imageTag: 'v1' },
          { imageDigest: b.digest },
          { imageTag: 'latest', imageDigest: a.digest },
          { imageTag: 'gone' },
          {},
          { imageDigest: 'sha256:xyz' },
          { imageTag: 'bad tag!' },
        ],
      }),
    );
    expect(out.images).toEqual([
      { registryId: ACCOUNT, repositoryName: repo, imageId: { imageDigest: a.digest, imageTag: 'v1' }, imageManifest: a.manifest.toString('utf8'), imageManifestMediaType: OCI_MANIFEST },
      { registryId: ACCOUNT, repositoryName: repo, imageId: { imageDigest: b.digest }, imageManifest: b.manifest.toString('utf8'), imageManifestMediaType: OCI_MANIFEST },
    ]);
    expect(out.failures).toEqual([
      { imageId: { imageTag: 'latest', imageDigest: a.digest }, failureCode: 'ImageTagDoesNotMatchDigest', failureReason: expect.any(String) },
      { imageId: { imageTag: 'gone' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' },
      { imageId: {}, failureCode: 'MissingDigestAndTag', failureReason: expect.any(String) },
      { imageId: { imageDigest: 'sha256:xyz' }, failureCode: 'InvalidImageDigest', failureReason: expect.any(String) },
      { imageId: { imageTag: 'bad tag!' }, failureCode: 'InvalidImageTag', failureReason: expect.any(String) },
    ]);

    const typed = await ecr.send(new BatchGetImageCommand({ repositoryName: repo, imageIds: [{ imageTag: 'v1' }, { imageTag: 'multi' }], acceptedMediaTypes: [DOCKER_MANIFEST_V2, OCI_INDEX] }));
    expect(typed.images!.map((i) => i.imageId)).toEqual([{ imageDigest: index, imageTag: 'multi' }]);
    expect(typed.failures).toEqual([{ imageId: { imageTag: 'v1' }, failureCode: 'UnsupportedImageType', failureReason: expect.any(String) }]);
  });

  it('ListImageReferrers lists the artifacts whose subject is the image', async () => {
    const out = await ecr.send(new ListImageReferrersCommand({ repositoryName: repo, subjectId: { imageDigest: a.digest } }));
    expect(out.referrers).toEqual([
      {
        digest: referrer,
        mediaType: OCI_MANIFEST,
        artifactType: 'application/vnd.example.sbom',
        size: expect.any(Number),
        annotations: { 'org.example.kind': 'sbom' },
        artifactStatus: 'ACTIVE',
      },
    ]);
    expect(out.nextToken).toBeUndefined();
    const other = await ecr.send(new ListImageReferrersCommand({ repositoryName: repo, subjectId: { imageDigest: a.digest }, filter: { artifactTypes: ['application/vnd.example.other'] } }));
    expect(other.referrers).toEqual([]);
    const none = await ecr.send(new ListImageReferrersCommand({ repositoryName: repo, subjectId: { imageDigest: b.digest } }));
    expect(none.referrers).toEqual([]);
  });
});

describe('pull times', () => {
  const repo = 'ecr-images/pulled';

  it('records manifest GETs and BatchGetImage as lastRecordedPullTime, not HEADs', async () => {
    const headed = await pushImage(wharf, repo, 'headed', randomBytes(100));
    const got = await pushImage(wharf, repo, 'got', randomBytes(100));
    const batched = await pushImage(wharf, repo, 'batched', randomBytes(100));
    const pullTime = async (tag: string) => {
      const [detail] = (await ecr.send(new DescribeImagesCommand({ repositoryName: repo, imageIds: [{ imageTag: tag }] }))).imageDetails!;
      return detail!.lastRecordedPullTime;
    };
    expect(await pullTime('got')).toBeUndefined();

    expect((await registryRequest(wharf, 'HEAD', `/v2/${repo}/manifests/headed`, { accept: OCI_MANIFEST })).status).toBe(200);
    const res = await registryRequest(wharf, 'GET', `/v2/${repo}/manifests/got`, { accept: OCI_MANIFEST });
    expect(res.status).toBe(200);
    await ecr.send(new BatchGetImageCommand({ repositoryName: repo, imageIds: [{ imageDigest: batched.digest }] }));

    const pulled = await eventually(() => pullTime('got'), 'the GET to be recorded');
    expect(pulled).toBeInstanceOf(Date);
    expect(pulled.getTime()).toBeGreaterThanOrEqual((await ecr.send(new DescribeImagesCommand({ repositoryName: repo, imageIds: [{ imageTag: 'got' }] }))).imageDetails![0]!.imagePushedAt!.getTime());
    await eventually(() => pullTime('batched'), 'the BatchGetImage to be recorded');
    // The HEAD came before the GET, so it would have been flushed with it or earlier.
    expect(await pullTime('headed')).toBeUndefined();
    expect(headed.digest).not.toBe(got.digest);
  });
});

describe('PutImage', () => {
  const repo = 'ecr-images/put';
  let image: Awaited<ReturnType<typeof pushTo>>;

  beforeAll(async () => {
    image = await pushTo(wharf, repo, 'v1', 2000);
  });

  it('tags an existing manifest and answers the image it stored', async () => {
    const out = await ecr.send(new PutImageCommand({ repositoryName: repo, imageManifest: image.manifest.toString('utf8'), imageTag: 'v2', imageDigest: image.digest }));
    expect(out.image).toEqual({
      registryId: ACCOUNT,
      repositoryName: repo,
      imageId: { imageDigest: image.digest, imageTag: 'v2' },
      imageManifest: image.manifest.toString('utf8'),
      imageManifestMediaType: OCI_MANIFEST,
    });
    const res = await registryRequest(wharf, 'GET', `/v2/${repo}/manifests/v2`, { accept: OCI_MANIFEST });
    expect(res.status).toBe(200);
    expect(res.body.equals(image.manifest)).toBe(true);
  });

  it('refuses what ECR refuses, with ECR exception names', async () => {
    const manifest = image.manifest.toString('utf8');
    await expect(ecr.send(new PutImageCommand({ repositoryName: repo, imageManifest: manifest, imageTag: 'v1' }))).rejects.toMatchObject({ name: 'ImageAlreadyExistsException' });
    await expect(ecr.send(new PutImageCommand({ repositoryName: repo, imageManifest: manifest }))).rejects.toMatchObject({ name: 'ImageAlreadyExistsException' });
    await expect(ecr.send(new PutImageCommand({ repositoryName: repo, imageManifest: manifest, imageTag: 'v3', imageDigest: `sha256:${'0'.repeat(64)}` }))).rejects.toMatchObject({
      name: 'ImageDigestDoesNotMatchException',
    });
    const missingLayer = imageManifest(Buffer.from('{}'), randomBytes(10)).toString('utf8');
    await expect(ecr.send(new PutImageCommand({ repositoryName: repo, imageManifest: missingLayer, imageTag: 'broken' }))).rejects.toMatchObject({ name: 'LayersNotFoundException' });
    const orphanIndex = indexOf([{ digest: `sha256:${'1'.repeat(64)}`, manifest: Buffer.from('{}') }]).toString('utf8');
    await expect(ecr.send(new PutImageCommand({ repositoryName: repo, imageManifest: orphanIndex, imageTag: 'broken' }))).rejects.toMatchObject({
      name: 'ReferencedImagesNotFoundException',
    });
    const noMediaType = JSON.stringify({ ...JSON.parse(manifest), mediaType: undefined });
    await expect(ecr.send(new PutImageCommand({ repositoryName: repo, imageManifest: noMediaType, imageTag: 'v4' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const stored = await ecr.send(new PutImageCommand({ repositoryName: repo, imageManifest: noMediaType, imageManifestMediaType: OCI_MANIFEST, imageTag: 'v4' }));
    expect(stored.image!.imageId).toEqual({ imageDigest: sha256(noMediaType), imageTag: 'v4' });
    await expect(ecr.send(new PutImageCommand({ repositoryName: repo, imageManifest: '{not json', imageTag: 'v5' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(ecr.send(new PutImageCommand({ repositoryName: 'ecr-images/nowhere', imageManifest: manifest, imageTag: 'v1' }))).rejects.toMatchObject({ name: 'RepositoryNotFoundException' });
    // More than the JSON body limit (1 MiB by default) is refused before it is read.
    await expect(ecr.send(new PutImageCommand({ repositoryName: repo, imageManifest: 'x'.repeat(1536 * 1024), imageTag: 'big' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('BatchDeleteImage', () => {
  const repo = 'ecr-images/delete';

  it('removes tags, deletes an image with its last tag or by digest, and reports failures per id', async () => {
    const twoTags = await pushTo(wharf, repo, 'one', 100);
    await pushManifest(wharf, repo, 'two', twoTags.manifest, OCI_MANIFEST);
    const multiTag = await pushTo(wharf, repo, 'x', 100);
    await pushManifest(wharf, repo, 'y', multiTag.manifest, OCI_MANIFEST);
    const child = await pushTo(wharf, repo, 'child', 100);
    const index = await pushManifest(wharf, repo, 'list', indexOf([child]), OCI_INDEX);

    const first = await ecr.send(new BatchDeleteImageCommand({ repositoryName: repo, imageIds: [{ imageTag: 'one' }] }));
    expect(first).toMatchObject({ imageIds: [{ imageDigest: twoTags.digest, imageTag: 'one' }], failures: [] });
    expect((await listAll(repo, 100)).map(key)).toContain(key({ imageDigest: twoTags.digest, imageTag: 'two' }));

    const out = await ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: repo,
        imageIds: [{ imageTag: 'two' }, { imageDigest: multiTag.digest }, { imageDigest: child.digest }, { imageTag: 'one' }, { imageTag: 'list', imageDigest: child.digest }],
      }),
    );
    expect(out.imageIds).toEqual([
      { imageDigest: twoTags.digest, imageTag: 'two' },
      { imageDigest: multiTag.digest, imageTag: 'x' },
      { imageDigest: multiTag.digest, imageTag: 'y' },
    ]);
    expect(out.failures).toEqual([
      { imageId: { imageDigest: child.digest }, failureCode: 'ImageReferencedByManifestList', failureReason: expect.any(String) },
      { imageId: { imageTag: 'one' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' },
      { imageId: { imageTag: 'list', imageDigest: child.digest }, failureCode: 'ImageTagDoesNotMatchDigest', failureReason: expect.any(String) },
    ]);
    // The image whose last tag went is gone, as is the one deleted by digest; bytes are unreachable.
    const left = (await listAll(repo, 100)).map(key).sort();
    expect(left).toEqual([key({ imageDigest: child.digest, imageTag: 'child' }), key({ imageDigest: index, imageTag: 'list' })].sort());
    expect((await registryRequest(wharf, 'GET', `/v2/${repo}/manifests/${twoTags.digest}`, { accept: OCI_MANIFEST })).status).toBe(404);

    // Deleting the index frees its child.
    const freed = await ecr.send(new BatchDeleteImageCommand({ repositoryName: repo, imageIds: [{ imageTag: 'list' }, { imageDigest: child.digest }] }));
    expect(freed.imageIds).toEqual([
      { imageDigest: index, imageTag: 'list' },
      { imageDigest: child.digest, imageTag: 'child' },
    ]);
    expect(await listAll(repo, 100)).toEqual([]);
  });
});

describe('AWS CLI v2 against the same actions', () => {
  const repo = 'ecr-images/cli';
  const aws = async (...args: string[]) => {
    const { stdout } = await run('/usr/bin/aws', ['ecr', ...args, '--endpoint-url', wharf.url, '--region', 'us-east-1', '--output', 'json'], {
      env: {
        AWS_ACCESS_KEY_ID: wharf.accessKeyId,
        AWS_SECRET_ACCESS_KEY: wharf.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
        AWS_CONFIG_FILE: '/nonexistent/aws-config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      },
    });
    return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
  };

  it('retags with batch-get-image and put-image, describes, and deletes', async () => {
    const image = await pushTo(wharf, repo, 'latest', 700);
    const got = (await aws('batch-get-image', '--repository-name', repo, '--image-ids', 'imageTag=latest')) as { images: { imageManifest: string; imageManifestMediaType: string }[] };
    const { imageManifest, imageManifestMediaType } = got.images[0]!;
    const put = (await aws('put-image', '--repository-name', repo, '--image-tag', 'stable', '--image-manifest', imageManifest, '--image-manifest-media-type', imageManifestMediaType)) as {
      image: { imageId: unknown };
    };
    expect(put.image.imageId).toEqual({ imageDigest: image.digest, imageTag: 'stable' });

    const described = (await aws('describe-images', '--repository-name', repo)) as { imageDetails: Record<string, unknown>[] };
    expect(described.imageDetails).toHaveLength(1);
    expect(described.imageDetails[0]).toMatchObject({ registryId: ACCOUNT, repositoryName: repo, imageDigest: image.digest, imageTags: ['latest', 'stable'], imageSizeInBytes: 700 });
    // The CLI renders the epoch-second timestamp as an ISO date.
    expect(new Date(String(described.imageDetails[0]!.imagePushedAt)).getTime()).not.toBeNaN();

    const deleted = (await aws('batch-delete-image', '--repository-name', repo, '--image-ids', 'imageTag=latest', 'imageTag=stable', 'imageTag=none')) as {
      imageIds: unknown[];
      failures: unknown[];
    };
    expect(deleted.imageIds).toEqual([
      { imageDigest: image.digest, imageTag: 'latest' },
      { imageDigest: image.digest, imageTag: 'stable' },
    ]);
    expect(deleted.failures).toEqual([{ imageId: { imageTag: 'none' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }]);
    expect(((await aws('list-images', '--repository-name', repo)) as { imageIds: unknown[] }).imageIds).toEqual([]);
  });
});
