// Tag immutability on the data plane: a manifest PUT may not move a tag the repository's
// mutability setting keeps (400 TAG_INVALID with ECR's message); the same digest may be pushed
// again, and exclusion filters carve out exceptions.
import { randomBytes } from 'node:crypto';
import { CreateRepositoryCommand, PutImageTagMutabilityCommand, type ECRClient, type ImageTagMutability } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCI_MANIFEST, sha256 } from '../helpers/oci-layout.js';
import { manifestDigest, pushImage, registryRequest } from '../helpers/registry-http.js';
import { startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { ecrClient } from './ecr-support.js';

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

/** A second manifest over the same blobs (an annotation makes its digest differ). */
function variant(manifest: Buffer, n: number): Buffer {
  return Buffer.from(JSON.stringify({ ...JSON.parse(manifest.toString('utf8')), annotations: { variant: String(n) } }));
}

const putManifest = (repo: string, tag: string, bytes: Buffer) =>
  registryRequest(wharf, 'PUT', `/v2/${repo}/manifests/${tag}`, { body: bytes, headers: { 'content-type': OCI_MANIFEST } });

async function repositoryWith(name: string, imageTagMutability: ImageTagMutability, filters: string[] = []): Promise<Buffer> {
  await ecr.send(
    new CreateRepositoryCommand({
      repositoryName: name,
      imageTagMutability,
      ...(filters.length ? { imageTagMutabilityExclusionFilters: filters.map((filter) => ({ filterType: 'WILDCARD' as const, filter })) } : {}),
    }),
  );
  return (await pushImage(wharf, name, 'base', randomBytes(256))).manifest;
}

/** Pushes `base` then a variant under `tag`; answers the second PUT's status and where the tag points. */
async function moveTag(repo: string, base: Buffer, tag: string): Promise<{ status: number; body: unknown; points: string | undefined; first: string }> {
  expect((await putManifest(repo, tag, base)).status).toBe(201);
  const res = await putManifest(repo, tag, variant(base, 1));
  return { status: res.status, body: res.body.length ? JSON.parse(res.body.toString()) : undefined, points: await manifestDigest(wharf, repo, tag), first: sha256(base) };
}

describe('tag immutability on manifest PUT', () => {
  it('MUTABLE: a tag moves to another manifest', async () => {
    const base = await repositoryWith('imm/mutable', 'MUTABLE');
    const moved = await moveTag('imm/mutable', base, 'v1');
    expect(moved.status).toBe(201);
    expect(moved.points).toBe(sha256(variant(base, 1)));
  });

  it("IMMUTABLE: moving a tag is 400 TAG_INVALID with ECR's message, the tag stays; the same digest may be pushed again", async () => {
    const base = await repositoryWith('imm/immutable', 'IMMUTABLE');
    const moved = await moveTag('imm/immutable', base, 'v1');
    expect(moved.status).toBe(400);
    expect(moved.body).toEqual({
      errors: [{ code: 'TAG_INVALID', message: "The image tag 'v1' already exists in the 'imm/immutable' repository and cannot be overwritten because the tag is immutable." }],
    });
    expect(moved.points).toBe(moved.first);
    // Same manifest, same tag: allowed. A new tag and a push by digest are allowed too.
    expect((await putManifest('imm/immutable', 'v1', base)).status).toBe(201);
    expect((await putManifest('imm/immutable', 'v2', variant(base, 1))).status).toBe(201);
    expect((await putManifest('imm/immutable', sha256(variant(base, 2)), variant(base, 2))).status).toBe(201);
    expect(await manifestDigest(wharf, 'imm/immutable', 'v1')).toBe(moved.first);
  });

  it('IMMUTABLE_WITH_EXCLUSION: only tags a filter matches move', async () => {
    const base = await repositoryWith('imm/with-exclusion', 'IMMUTABLE_WITH_EXCLUSION', ['latest', 'dev-*']);
    expect((await moveTag('imm/with-exclusion', base, 'latest')).status).toBe(201);
    expect((await moveTag('imm/with-exclusion', base, 'dev-7')).status).toBe(201);
    expect((await moveTag('imm/with-exclusion', base, 'v1.0')).status).toBe(400);
    expect((await moveTag('imm/with-exclusion', base, 'latest-2')).status).toBe(400);
  });

  it('MUTABLE_WITH_EXCLUSION: only tags a filter matches stay', async () => {
    const base = await repositoryWith('imm/mutable-exclusion', 'MUTABLE_WITH_EXCLUSION', ['release-*']);
    expect((await moveTag('imm/mutable-exclusion', base, 'release-1.2')).status).toBe(400);
    expect((await moveTag('imm/mutable-exclusion', base, 'latest')).status).toBe(201);
  });

  it('a change of setting applies to the next push', async () => {
    const base = await repositoryWith('imm/switch', 'MUTABLE');
    expect((await moveTag('imm/switch', base, 'v1')).status).toBe(201);
    await ecr.send(new PutImageTagMutabilityCommand({ repositoryName: 'imm/switch', imageTagMutability: 'IMMUTABLE' }));
    expect((await putManifest('imm/switch', 'v1', variant(base, 3))).status).toBe(400);
    await ecr.send(new PutImageTagMutabilityCommand({ repositoryName: 'imm/switch', imageTagMutability: 'MUTABLE' }));
    expect((await putManifest('imm/switch', 'v1', variant(base, 3))).status).toBe(201);
  });
});
