// The AWS CLI scenario for lifecycle policies: push a mix of images over the data plane,
// put a five-rule policy with the AWS CLI, preview it, apply it with `wharf lifecycle run`, then
// GC reclaims the bytes; plus the archive / restore round trip with UpdateImageStorageClass.
import { randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeImagesCommand, ECRClient, UpdateImageStorageClassCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../helpers/exec.js';
import { OCI_MANIFEST, sha256 } from '../helpers/oci-layout.js';
import { pushBlob, pushManifest, registryRequest } from '../helpers/registry-http.js';
import { projectRoot, startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { describeWithTools } from '../helpers/tools.js';

const REPO = 'ci/app';
const LAYER_BYTES = 64 * 1024;

let wharf: WharfProcess;

/** The AWS CLI v2 against the server, with nothing from the developer's own AWS setup. */
async function aws(args: readonly string[]): Promise<{ code: number; json: any; stderr: string }> {
  const result = await run('/usr/bin/aws', ['ecr', ...args, '--endpoint-url', wharf.url, '--region', 'us-east-1', '--output', 'json'], {
    allowFailure: true,
    env: {
      AWS_ACCESS_KEY_ID: wharf.accessKeyId,
      AWS_SECRET_ACCESS_KEY: wharf.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
  });
  return { code: result.code, json: result.stdout.trim() ? JSON.parse(result.stdout) : {}, stderr: result.stderr };
}

/** `./bin/wharf <args>` on the server's data dir. */
function wharfCli(args: readonly string[], env: Record<string, string> = {}) {
  return run(join(projectRoot, 'bin', 'wharf'), [...args, '--data-dir', wharf.dataDir], { env });
}

/** Pushes a one-layer image with its own random layer; the first tag (or the digest) names it, the others are added. */
async function push(tags: readonly string[]): Promise<string> {
  const layer = randomBytes(LAYER_BYTES);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layer)] } }));
  await pushBlob(wharf, REPO, config);
  await pushBlob(wharf, REPO, layer);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
    }),
  );
  const digest = sha256(manifest);
  for (const ref of tags.length > 0 ? tags : [digest]) await pushManifest(wharf, REPO, ref, manifest, OCI_MANIFEST);
  await sleep(15); // distinct push times, oldest first
  return digest;
}

async function blobBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

const rule = (rulePriority: number, selection: Record<string, unknown>) => ({ rulePriority, description: `rule ${rulePriority}`, selection, action: { type: 'expire' } });

/** Five rules: a prefix list, a pattern list, a multi-entry pattern list (AND), untagged by age, and `any`. */
const POLICY = JSON.stringify({
  rules: [
    rule(1, { tagStatus: 'tagged', tagPrefixList: ['prod'], countType: 'imageCountMoreThan', countNumber: 1 }),
    rule(5, { tagStatus: 'tagged', tagPatternList: ['dev-*'], countType: 'imageCountMoreThan', countNumber: 1 }),
    rule(10, { tagStatus: 'tagged', tagPatternList: ['*-2', 'release-*'], countType: 'imageCountMoreThan', countNumber: 1 }),
    rule(20, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }),
    rule(100, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 }),
  ],
});

describeWithTools('ECR lifecycle policies over the AWS CLI', ['aws'], () => {
  const images: Record<string, string> = {};

  beforeAll(async () => {
    wharf = await startWharf();
    // Oldest first.
    images.A = await push(['prod-1']);
    images.B = await push(['prod-2', 'release-2']);
    images.C = await push(['prod-3']);
    images.D = await push([]);
    images.E = await push(['dev-1']);
    images.F = await push([]);
    images.G = await push(['dev-2', 'feature-x']);
    images.H = await push(['dev-3']);
    images.I = await push(['misc-1']);
    images.J = await push(['misc-2']);
    images.K = await push([]);
  }, 120_000);

  afterAll(async () => {
    await wharf?.stop();
  });

  it('refuses malformed policies with InvalidParameterException', async () => {
    const malformed = [
      JSON.stringify({ rules: [rule(1, { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 1 })] }), // no tag list
      JSON.stringify({ rules: [rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }), rule(2, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 })] }),
      JSON.stringify({ rules: [rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countUnit: 'days', countNumber: 1 })] }),
      JSON.stringify({ rules: [rule(1, { tagStatus: 'tagged', tagPatternList: ['a*b*c*d*e*f'], countType: 'imageCountMoreThan', countNumber: 1 })] }),
      `{"rules": [${' '.repeat(100)}`, // not JSON (padded past the API's 100-character minimum)
    ];
    for (const text of malformed) {
      const result = await aws(['put-lifecycle-policy', '--repository-name', REPO, '--lifecycle-policy-text', text]);
      expect(result.code, text).not.toBe(0);
      expect(result.stderr).toContain('InvalidParameterException');
    }
    const missing = await aws(['get-lifecycle-policy', '--repository-name', REPO]);
    expect(missing.stderr).toContain('LifecyclePolicyNotFoundException');
    expect((await aws(['start-lifecycle-policy-preview', '--repository-name', REPO])).stderr).toContain('LifecyclePolicyNotFoundException');
    expect((await aws(['get-lifecycle-policy-preview', '--repository-name', REPO])).stderr).toContain('LifecyclePolicyPreviewNotFoundException');
  });

  it('previews exactly the images ECR would expire, apply removes exactly those, and GC reclaims their bytes', async () => {
    const put = await aws(['put-lifecycle-policy', '--repository-name', REPO, '--lifecycle-policy-text', POLICY]);
    expect(put.code, put.stderr).toBe(0);
    expect(JSON.parse(put.json.lifecyclePolicyText)).toEqual(JSON.parse(POLICY));

    const started = await aws(['start-lifecycle-policy-preview', '--repository-name', REPO]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.json.status).toBe('COMPLETE');
    const preview = await aws(['get-lifecycle-policy-preview', '--repository-name', REPO]);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.json.status).toBe('COMPLETE');
    // R1 keeps the newest prod image (C); R2 the newest dev-* (H); the untagged rule claims D, F, K
    // without expiring them (too young); R3 selects only B, which R1 already claims; `any` ranks
    // all eleven, keeps K and J, and may mark only I: every older image is claimed by a higher rule.
    const expected = [
      { digest: images.A, tags: ['prod-1'], priority: 1 },
      { digest: images.B, tags: ['prod-2', 'release-2'], priority: 1 },
      { digest: images.E, tags: ['dev-1'], priority: 5 },
      { digest: images.G, tags: ['dev-2', 'feature-x'], priority: 5 },
      { digest: images.I, tags: ['misc-1'], priority: 100 },
    ];
    const results = preview.json.previewResults as any[];
    console.log('lifecycle preview:', JSON.stringify(results.map((r) => [r.imageTags, r.appliedRulePriority])));
    expect(results.map((r) => ({ digest: r.imageDigest, tags: [...r.imageTags].sort(), priority: r.appliedRulePriority }))).toEqual(expected);
    // (This AWS CLI's model predates the preview's storageClass member, so it drops it.)
    for (const r of results) expect(r).toMatchObject({ action: { type: 'EXPIRE' }, imagePushedAt: expect.any(String) });
    expect(preview.json.summary).toMatchObject({ expiringImageTotalCount: 5 });

    // Filter and paging.
    const untagged = await aws(['get-lifecycle-policy-preview', '--repository-name', REPO, '--filter', 'tagStatus=UNTAGGED']);
    expect(untagged.json.previewResults).toEqual([]);
    const page = await aws(['get-lifecycle-policy-preview', '--repository-name', REPO, '--max-results', '2', '--no-paginate']);
    expect(page.json.previewResults.map((r: any) => r.imageDigest)).toEqual([images.A, images.B]);
    expect(page.json.nextToken).toEqual(expect.any(String));
    const next = await aws(['get-lifecycle-policy-preview', '--repository-name', REPO, '--max-results', '2', '--no-paginate', '--next-token', page.json.nextToken]);
    expect(next.json.previewResults.map((r: any) => r.imageDigest)).toEqual([images.E, images.G]);

    // A preview of other text, given inline, leaves the stored policy alone.
    const inline = JSON.stringify({ rules: [rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 })] });
    expect((await aws(['start-lifecycle-policy-preview', '--repository-name', REPO, '--lifecycle-policy-text', inline])).code).toBe(0);
    const inlinePreview = await aws(['get-lifecycle-policy-preview', '--repository-name', REPO]);
    expect(inlinePreview.json.previewResults.map((r: any) => r.imageDigest)).toEqual([images.D, images.F]);

    const dryRun = await wharfCli(['lifecycle', 'run', '--repository', REPO, '--dry-run']);
    const planned = dryRun.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(planned.map((d) => [d.digest, d.appliedRulePriority, d.outcome])).toEqual(expected.map((e) => [e.digest, e.priority, 'dry-run']));

    const blobsDir = join(wharf.dataDir, 'blobs');
    const before = await blobBytes(blobsDir);
    const applied = await wharfCli(['lifecycle', 'run', '--repository', REPO]);
    const lines = applied.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((d) => [d.digest, d.action, d.appliedRulePriority, d.outcome])).toEqual(expected.map((e) => [e.digest, 'EXPIRE', e.priority, 'done']));

    const remaining = await aws(['describe-images', '--repository-name', REPO, '--no-paginate']);
    const left = (remaining.json.imageDetails as any[]).map((d) => d.imageDigest).sort();
    expect(left).toEqual([images.C, images.D, images.F, images.H, images.J, images.K].sort());
    for (const { digest } of expected) expect((await registryRequest(wharf, 'GET', `/v2/${REPO}/manifests/${digest}`, { headers: { accept: OCI_MANIFEST } })).status).toBe(404);

    const got = await aws(['get-lifecycle-policy', '--repository-name', REPO]);
    expect(got.json.lastEvaluatedAt).toEqual(expect.any(String)); // the CLI prints timestamps as ISO text

    const gc = await wharfCli(['gc'], { WHARF_GC_BLOB_GRACE_SECONDS: '0' });
    expect(gc.stdout).toContain('{');
    const after = await blobBytes(blobsDir);
    console.log(`lifecycle + GC: blob bytes before ${before}, after ${after} (reclaimed ${before - after})`);
    // Each expired image had its own 64 KiB layer and a small config.
    expect(before - after).toBeGreaterThanOrEqual(5 * LAYER_BYTES);
    expect(before - after).toBeLessThan(5 * LAYER_BYTES + 5 * 1024);
  }, 120_000);

  it('archives an image (not pullable) and restores it with UpdateImageStorageClass', async () => {
    const manifestPath = `/v2/${REPO}/manifests/prod-3`;
    const accept = { accept: OCI_MANIFEST };
    expect((await registryRequest(wharf, 'GET', manifestPath, { headers: accept })).status).toBe(200);

    // This AWS CLI predates UpdateImageStorageClass and the imageStatus filter: the SDK calls them.
    const ecr = new ECRClient({ endpoint: wharf.url, region: 'us-east-1', credentials: { accessKeyId: wharf.accessKeyId, secretAccessKey: wharf.secretAccessKey }, maxAttempts: 1 });
    const archived = await ecr.send(new UpdateImageStorageClassCommand({ repositoryName: REPO, imageId: { imageTag: 'prod-3' }, targetStorageClass: 'ARCHIVE' }));
    expect(archived).toMatchObject({ imageId: { imageDigest: images.C, imageTag: 'prod-3' }, imageStatus: 'ARCHIVED' });
    const denied = await registryRequest(wharf, 'GET', manifestPath, { headers: accept });
    expect(denied.status).toBe(404);
    const body = JSON.parse(denied.body.toString('utf8'));
    expect(body.errors[0].code).toBe('MANIFEST_UNKNOWN');
    expect(body.errors[0].message).toContain('archived');
    expect((await registryRequest(wharf, 'GET', `/v2/${REPO}/manifests/${images.C}`, { headers: accept })).status).toBe(404);

    const listed = await ecr.send(new DescribeImagesCommand({ repositoryName: REPO, filter: { imageStatus: 'ARCHIVED' } }));
    expect(listed.imageDetails!.map((d) => [d.imageDigest, d.imageStatus, d.lastArchivedAt instanceof Date])).toEqual([[images.C, 'ARCHIVED', true]]);
    const active = await ecr.send(new DescribeImagesCommand({ repositoryName: REPO }));
    expect(active.imageDetails!.map((d) => d.imageDigest)).not.toContain(images.C);

    const restored = await ecr.send(new UpdateImageStorageClassCommand({ repositoryName: REPO, imageId: { imageDigest: images.C }, targetStorageClass: 'STANDARD' }));
    expect(restored.imageStatus).toBe('ACTIVE');
    ecr.destroy();
    expect((await registryRequest(wharf, 'GET', manifestPath, { headers: accept })).status).toBe(200);
  }, 60_000);
});
