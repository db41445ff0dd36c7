// The scripted session, end to end with real clients: Debian's AWS CLI v2 drives the
// control plane, skopeo logs in with the ECR token and pushes, an IAM user gets pull-only rights.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../helpers/exec.js';
import { buildUmociLayout } from '../helpers/oci-layout.js';
import { startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { describeWithTools } from '../helpers/tools.js';
import { awsCli } from '../http/ecr-support.js';

describeWithTools('a scripted AWS CLI session', ['/usr/bin/aws', 'skopeo', 'umoci'], () => {
  let wharf: WharfProcess;
  let dir: string;
  let authFile: string;
  const cli = async (...args: string[]) => {
    const result = await awsCli(wharf, args);
    expect(result.code, `aws ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.json;
  };
  const skopeo = (args: readonly string[], allowFailure = false) =>
    run('skopeo', [...args], { timeoutMs: 120_000, allowFailure, env: { REGISTRY_AUTH_FILE: authFile } });

  beforeAll(async () => {
    wharf = await startWharf();
    dir = await mkdtemp(join(tmpdir(), 'wharf-session-'));
    authFile = join(dir, 'auth.json');
    await writeFile(authFile, '{}');
    await buildUmociLayout(dir, [{ tag: 'v1', files: { 'app/hello.txt': 'hello from the session\n' } }]);
  }, 120_000);
  afterAll(async () => {
    await wharf?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates, logs in, pushes, inspects, retags, deletes, grants pull-only rights and force-deletes', async () => {
    const created = await cli('ecr', 'create-repository', '--repository-name', 'session/app');
    expect(created.repository).toMatchObject({ repositoryName: 'session/app', repositoryUri: `${wharf.host}/session/app` });

    // docker login with the 12-hour token, exactly as ECR users do it.
    const login = await awsCli(wharf, ['ecr', 'get-login-password']);
    expect(login.code).toBe(0);
    await run('skopeo', ['login', '--tls-verify=false', '-u', 'AWS', '--password-stdin', wharf.host], {
      input: login.stdout.trim(),
      env: { REGISTRY_AUTH_FILE: authFile },
    });
    await skopeo(['copy', '--dest-tls-verify=false', `oci:${join(dir, 'layout')}:v1`, `docker://${wharf.host}/session/app:1`]);

    const described = (await cli('ecr', 'describe-images', '--repository-name', 'session/app')) as { imageDetails: { imageDigest: string; imageTags: string[] }[] };
    expect(described.imageDetails).toHaveLength(1);
    const digest = described.imageDetails[0]!.imageDigest;
    expect(described.imageDetails[0]!.imageTags).toEqual(['1']);
    expect(await cli('ecr', 'list-images', '--repository-name', 'session/app')).toEqual({ imageIds: [{ imageDigest: digest, imageTag: '1' }] });

    const got = (await cli('ecr', 'batch-get-image', '--repository-name', 'session/app', '--image-ids', 'imageTag=1')) as {
      images: { imageManifest: string; imageManifestMediaType: string }[];
    };
    const { imageManifest, imageManifestMediaType } = got.images[0]!;
    await cli('ecr', 'put-image', '--repository-name', 'session/app', '--image-tag', 'stable', '--image-manifest', imageManifest, '--image-manifest-media-type', imageManifestMediaType);
    const retagged = (await cli('ecr', 'describe-images', '--repository-name', 'session/app')) as { imageDetails: { imageTags: string[] }[] };
    expect(retagged.imageDetails[0]!.imageTags.sort()).toEqual(['1', 'stable']);
    const deleted = (await cli('ecr', 'batch-delete-image', '--repository-name', 'session/app', '--image-ids', 'imageTag=1')) as { imageIds: unknown[]; failures: unknown[] };
    expect(deleted).toMatchObject({ imageIds: [{ imageDigest: digest, imageTag: '1' }], failures: [] });

    // An IAM user with the managed read-only policy may pull and may not push.
    await cli('iam', 'create-user', '--user-name', 'puller');
    await cli('iam', 'attach-user-policy', '--user-name', 'puller', '--policy-arn', 'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly');
    const key = ((await cli('iam', 'create-access-key', '--user-name', 'puller')) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } }).AccessKey;
    const creds = `${key.AccessKeyId}:${key.SecretAccessKey}`;
    const pulled = await skopeo(['inspect', '--tls-verify=false', '--creds', creds, `docker://${wharf.host}/session/app:stable`]);
    expect(JSON.parse(pulled.stdout).Digest).toBe(digest);
    const push = await skopeo(['copy', '--dest-tls-verify=false', '--dest-creds', creds, `oci:${join(dir, 'layout')}:v1`, `docker://${wharf.host}/session/app:denied`], true);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/denied|403|not authorized/i);

    // A repository policy's explicit Deny wins over the user's Allow.
    const deny = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'NoPuller', Effect: 'Deny', Principal: { AWS: `arn:aws:iam::000000000000:user/puller` }, Action: 'ecr:BatchGetImage' }],
    });
    await cli('ecr', 'set-repository-policy', '--repository-name', 'session/app', '--policy-text', deny);
    const refused = await skopeo(['inspect', '--tls-verify=false', '--creds', creds, `docker://${wharf.host}/session/app:stable`], true);
    expect(refused.code).not.toBe(0);

    const notEmpty = await awsCli(wharf, ['ecr', 'delete-repository', '--repository-name', 'session/app']);
    expect(notEmpty.stderr).toContain('RepositoryNotEmptyException');
    await cli('ecr', 'delete-repository', '--repository-name', 'session/app', '--force');
    const gone = await awsCli(wharf, ['ecr', 'describe-repositories', '--repository-names', 'session/app']);
    expect(gone.stderr).toContain('RepositoryNotFoundException');
  }, 300_000);
});
