import { randomBytes } from 'node:crypto';
import {
  BatchCheckLayerAvailabilityCommand,
  CompleteLayerUploadCommand,
  type ECRClient,
  GetAuthorizationTokenCommand,
  GetDownloadUrlForLayerCommand,
  InitiateLayerUploadCommand,
  PutImageCommand,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCI_MANIFEST, sha256 } from '../helpers/oci-layout.js';
import { getManifest, pushBlob, registryRequest } from '../helpers/registry-http.js';
import { startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { ACCOUNT, ecrClient } from './ecr-support.js';

const MIB = 1024 * 1024;

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

/** A repository created by a data-plane push of a small blob (the control plane needs it to exist). */
async function repository(name: string): Promise<string> {
  await pushBlob(wharf, name, randomBytes(16));
  return name;
}

/** Uploads `bytes` in parts of `partSize` through the ECR layer API and completes the upload. */
async function uploadLayer(repositoryName: string, bytes: Buffer, partSize: number): Promise<string> {
  const { uploadId } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName }));
  for (let first = 0; first < bytes.length; first += partSize) {
    const part = bytes.subarray(first, Math.min(first + partSize, bytes.length));
    const out = await ecr.send(new UploadLayerPartCommand({ repositoryName, uploadId, partFirstByte: first, partLastByte: first + part.length - 1, layerPartBlob: part }));
    expect(out).toMatchObject({ registryId: ACCOUNT, repositoryName, uploadId, lastByteReceived: first + part.length - 1 });
  }
  const done = await ecr.send(new CompleteLayerUploadCommand({ repositoryName, uploadId, layerDigests: [sha256(bytes)] }));
  expect(done).toMatchObject({ registryId: ACCOUNT, repositoryName, uploadId, layerDigest: sha256(bytes) });
  return done.layerDigest!;
}

describe('an image pushed entirely through the ECR layer API', () => {
  it('is pulled byte for byte over the data plane', async () => {
    const repositoryName = await repository('ecr-layers/native');
    const init = await ecr.send(new InitiateLayerUploadCommand({ repositoryName }));
    expect(init.uploadId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(init.partSize).toBe(5242880);

    // Two parts: a full 5 MiB one (above the JSON body limit once base64-encoded) and a short last one.
    const layer = randomBytes(5 * MIB + 12345);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layer)] } }));
    const layerDigest = await uploadLayer(repositoryName, layer, 5 * MIB);
    const configDigest = await uploadLayer(repositoryName, config, 5 * MIB);

    const check = await ecr.send(new BatchCheckLayerAvailabilityCommand({ repositoryName, layerDigests: [layerDigest, configDigest, sha256('absent'), 'sha256:nothex', ''] }));
    expect(check.layers).toEqual([
      { layerDigest, layerAvailability: 'AVAILABLE', layerSize: layer.length },
      { layerDigest: configDigest, layerAvailability: 'AVAILABLE', layerSize: config.length },
      { layerDigest: sha256('absent'), layerAvailability: 'UNAVAILABLE' },
    ]);
    expect(check.failures).toEqual([
      { layerDigest: 'sha256:nothex', failureCode: 'InvalidLayerDigest', failureReason: expect.any(String) },
      { layerDigest: '', failureCode: 'MissingLayerDigest', failureReason: expect.any(String) },
    ]);

    // Linked but in no image yet: ECR will not hand out a URL for it.
    await expect(ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName, layerDigest }))).rejects.toMatchObject({ name: 'LayerInaccessibleException' });

    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
    });
    const put = await ecr.send(new PutImageCommand({ repositoryName, imageManifest: manifest, imageTag: 'native' }));
    expect(put.image!.imageId).toEqual({ imageDigest: sha256(manifest), imageTag: 'native' });

    const pulled = await getManifest(wharf, repositoryName, 'native');
    expect(pulled.digest).toBe(sha256(manifest));
    expect(pulled.bytes.toString('utf8')).toBe(manifest);
    const blob = await registryRequest(wharf, 'GET', `/v2/${repositoryName}/blobs/${layerDigest}`);
    expect(blob.status).toBe(200);
    expect(blob.body.equals(layer)).toBe(true);

    // The download URL is the data plane's blob URL, fetched with the docker login token.
    const url = await ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName, layerDigest: configDigest }));
    expect(url).toEqual({ downloadUrl: `${wharf.url}/v2/${repositoryName}/blobs/${configDigest}`, layerDigest: configDigest, $metadata: expect.anything() });
    const token = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!.authorizationToken!;
    const fetched = await fetch(url.downloadUrl!, { headers: { authorization: `Basic ${token}` } });
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(config)).toBe(true);
    expect((await fetch(url.downloadUrl!)).status).toBe(401);
  });
});

describe('layer upload refusals', () => {
  const repositoryName = 'ecr-layers/refusals';

  beforeAll(async () => {
    await repository(repositoryName);
  });

  it('reports an out-of-order or malformed part as InvalidLayerPartException with lastValidByteReceived', async () => {
    const { uploadId } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName }));
    const outOfOrder = ecr.send(new UploadLayerPartCommand({ repositoryName, uploadId, partFirstByte: 10, partLastByte: 19, layerPartBlob: randomBytes(10) }));
    await expect(outOfOrder).rejects.toMatchObject({ name: 'InvalidLayerPartException', uploadId, repositoryName, registryId: ACCOUNT, lastValidByteReceived: -1 });

    await ecr.send(new UploadLayerPartCommand({ repositoryName, uploadId, partFirstByte: 0, partLastByte: 5 * MIB - 1, layerPartBlob: randomBytes(5 * MIB) }));
    const again = ecr.send(new UploadLayerPartCommand({ repositoryName, uploadId, partFirstByte: 0, partLastByte: 9, layerPartBlob: randomBytes(10) }));
    await expect(again).rejects.toMatchObject({ name: 'InvalidLayerPartException', lastValidByteReceived: 5 * MIB - 1 });
    const wrongLength = ecr.send(new UploadLayerPartCommand({ repositoryName, uploadId, partFirstByte: 5 * MIB, partLastByte: 5 * MIB + 99, layerPartBlob: randomBytes(10) }));
    await expect(wrongLength).rejects.toMatchObject({ name: 'InvalidLayerPartException', lastValidByteReceived: 5 * MIB - 1 });
  });

  it('refuses a part after one below 5 MiB (LayerPartTooSmallException); the last part may be small', async () => {
    const { uploadId } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName }));
    await ecr.send(new UploadLayerPartCommand({ repositoryName, uploadId, partFirstByte: 0, partLastByte: 1023, layerPartBlob: randomBytes(1024) }));
    const next = ecr.send(new UploadLayerPartCommand({ repositoryName, uploadId, partFirstByte: 1024, partLastByte: 2047, layerPartBlob: randomBytes(1024) }));
    await expect(next).rejects.toMatchObject({ name: 'LayerPartTooSmallException' });
  });

  it('refuses to complete an empty, mismatched, unknown or already stored upload', async () => {
    const empty = await ecr.send(new InitiateLayerUploadCommand({ repositoryName }));
    await expect(ecr.send(new CompleteLayerUploadCommand({ repositoryName, uploadId: empty.uploadId, layerDigests: [sha256('x')] }))).rejects.toMatchObject({
      name: 'EmptyUploadException',
    });

    const bytes = randomBytes(2048);
    const mismatched = await ecr.send(new InitiateLayerUploadCommand({ repositoryName }));
    await ecr.send(new UploadLayerPartCommand({ repositoryName, uploadId: mismatched.uploadId, partFirstByte: 0, partLastByte: 2047, layerPartBlob: bytes }));
    await expect(ecr.send(new CompleteLayerUploadCommand({ repositoryName, uploadId: mismatched.uploadId, layerDigests: [sha256('other')] }))).rejects.toMatchObject({
      name: 'InvalidLayerException',
    });
    // A failed digest check discards the upload, as on the data plane.
    await expect(ecr.send(new CompleteLayerUploadCommand({ repositoryName, uploadId: mismatched.uploadId, layerDigests: [sha256(bytes)] }))).rejects.toMatchObject({
      name: 'UploadNotFoundException',
    });

    await uploadLayer(repositoryName, bytes, 5 * MIB);
    const duplicate = await ecr.send(new InitiateLayerUploadCommand({ repositoryName }));
    await ecr.send(new UploadLayerPartCommand({ repositoryName, uploadId: duplicate.uploadId, partFirstByte: 0, partLastByte: 2047, layerPartBlob: bytes }));
    await expect(ecr.send(new CompleteLayerUploadCommand({ repositoryName, uploadId: duplicate.uploadId, layerDigests: [sha256(bytes)] }))).rejects.toMatchObject({
      name: 'LayerAlreadyExistsException',
    });

    const unknown = '00000000-0000-4000-8000-000000000000';
    await expect(ecr.send(new UploadLayerPartCommand({ repositoryName, uploadId: unknown, partFirstByte: 0, partLastByte: 0, layerPartBlob: Buffer.from('x') }))).rejects.toMatchObject({
      name: 'UploadNotFoundException',
    });
  });

  it('names missing repositories and layers as ECR does', async () => {
    await expect(ecr.send(new InitiateLayerUploadCommand({ repositoryName: 'ecr-layers/none' }))).rejects.toMatchObject({ name: 'RepositoryNotFoundException' });
    await expect(ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName, layerDigest: sha256('nothing') }))).rejects.toMatchObject({ name: 'LayersNotFoundException' });
    await expect(ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName, layerDigest: 'not-a-digest' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});
