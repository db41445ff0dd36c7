// CreateRepository, DescribeRepositories, DeleteRepository, PutImageTagMutability and
// PutImageScanningConfiguration against a real `wharf serve`, through @aws-sdk/client-ecr, raw
// signed requests (the exact wire form) and Debian's AWS CLI v2.
import { randomBytes } from 'node:crypto';
import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage, registryRequest, startUpload } from '../helpers/registry-http.js';
import { startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { ACCOUNT, awsCli, ecrClient, rawEcr, repositoryArn, sdkError } from './ecr-support.js';

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

describe('CreateRepository', () => {
  it("answers ECR's Repository shape with its defaults (MUTABLE, no scan on push, AES256)", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { repository } = await ecr.send(new CreateRepositoryCommand({ repositoryName: 'create/defaults' }));
    expect(repository).toEqual({
      repositoryArn: repositoryArn('create/defaults'),
      registryId: ACCOUNT,
      repositoryName: 'create/defaults',
      repositoryUri: `${wharf.host}/create/defaults`,
      createdAt: expect.any(Date),
      imageTagMutability: 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: false },
      encryptionConfiguration: { encryptionType: 'AES256' },
    });
    expect(repository!.createdAt!.getTime() / 1000).toBeGreaterThanOrEqual(before - 1);
    expect(repository!.createdAt!.getTime() / 1000).toBeLessThanOrEqual(Date.now() / 1000 + 1);
  });

  it('carries createdAt as epoch seconds on the wire and leaves out absent members', async () => {
    const res = await rawEcr(wharf, 'CreateRepository', { repositoryName: 'create/wire' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-amz-json-1\.1/);
    const repository = res.json.repository as Record<string, unknown>;
    expect(typeof repository.createdAt).toBe('number');
    expect(Object.keys(repository).sort()).toEqual(
      ['createdAt', 'encryptionConfiguration', 'imageScanningConfiguration', 'imageTagMutability', 'registryId', 'repositoryArn', 'repositoryName', 'repositoryUri'].sort(),
    );
  });

  it('stores every setting given: exclusion filters, scan on push, KMS encryption, tags', async () => {
    const { repository } = await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: 'create/settings',
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [
          { filterType: 'WILDCARD', filter: 'latest' },
          { filterType: 'WILDCARD', filter: 'dev-*' },
        ],
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'arn:aws:kms:us-east-1:000000000000:key/abc-123' },
        tags: [
          { Key: 'team', Value: 'platform' },
          { Key: 'empty', Value: '' },
        ],
      }),
    );
    expect(repository).toMatchObject({
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [
        { filterType: 'WILDCARD', filter: 'latest' },
        { filterType: 'WILDCARD', filter: 'dev-*' },
      ],
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'arn:aws:kms:us-east-1:000000000000:key/abc-123' },
    });
    const described = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['create/settings'] }));
    expect(described.repositories).toEqual([repository]);
    const { tags } = await ecr.send(new ListTagsForResourceCommand({ resourceArn: repositoryArn('create/settings') }));
    expect(tags).toEqual([
      { Key: 'empty', Value: '' },
      { Key: 'team', Value: 'platform' },
    ]);
  });

  it('refuses a name that is taken with RepositoryAlreadyExistsException', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'create/twice' }));
    expect(await sdkError(ecr.send(new CreateRepositoryCommand({ repositoryName: 'create/twice' })))).toEqual({
      name: 'RepositoryAlreadyExistsException',
      message: `The repository with name 'create/twice' already exists in the registry with id '${ACCOUNT}'`,
    });
  });

  it.each([
    ['an upper-case name', { repositoryName: 'Create/Upper' }],
    ['a one-character name', { repositoryName: 'a' }],
    ['a name longer than 256', { repositoryName: 'a'.repeat(257) }],
    ['a trailing slash', { repositoryName: 'create/' }],
    ['filters with MUTABLE', { repositoryName: 'create/bad1', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD' as const, filter: 'x' }] }],
    ['IMMUTABLE_WITH_EXCLUSION without filters', { repositoryName: 'create/bad2', imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' as const }],
    [
      'six filters',
      {
        repositoryName: 'create/bad3',
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION' as const,
        imageTagMutabilityExclusionFilters: Array.from({ length: 6 }, (_, i) => ({ filterType: 'WILDCARD' as const, filter: `f${i}` })),
      },
    ],
    [
      'a filter outside the pattern',
      { repositoryName: 'create/bad4', imageTagMutability: 'MUTABLE_WITH_EXCLUSION' as const, imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD' as const, filter: 'a/b' }] },
    ],
    ['a KMS key with AES256', { repositoryName: 'create/bad5', encryptionConfiguration: { encryptionType: 'AES256' as const, kmsKey: 'arn:aws:kms:us-east-1:000000000000:key/k' } }],
    ['another registry id', { repositoryName: 'create/bad6', registryId: '111111111111' }],
  ])('refuses %s with InvalidParameterException', async (_what, input) => {
    expect((await sdkError(ecr.send(new CreateRepositoryCommand(input)))).name).toBe('InvalidParameterException');
  });

  it('refuses bad resource tags with InvalidTagParameterException and more than 50 with TooManyTagsException', async () => {
    for (const tag of [
      { Key: 'aws:reserved', Value: 'x' },
      { Key: 'AWS:Reserved', Value: 'x' },
      { Key: '', Value: 'x' },
      { Key: 'k'.repeat(129), Value: 'x' },
      { Key: 'k', Value: 'v'.repeat(257) },
    ]) {
      expect((await sdkError(ecr.send(new CreateRepositoryCommand({ repositoryName: 'create/tagged', tags: [tag] })))).name, tag.Key).toBe(
        'InvalidTagParameterException',
      );
    }
    const fiftyOne = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect((await sdkError(ecr.send(new CreateRepositoryCommand({ repositoryName: 'create/tagged', tags: fiftyOne })))).name).toBe('TooManyTagsException');
    // Nothing was created by the refused calls; 128/256 characters are fine.
    const ok = await ecr.send(new CreateRepositoryCommand({ repositoryName: 'create/tagged', tags: [{ Key: 'k'.repeat(128), Value: 'v'.repeat(256) }, ...fiftyOne.slice(0, 49)] }));
    expect(ok.repository?.repositoryName).toBe('create/tagged');
  });
});

describe('DescribeRepositories', () => {
  const names = ['page/a', 'page/b', 'page/c', 'page/d', 'page/e'];

  beforeAll(async () => {
    for (const repositoryName of names) await ecr.send(new CreateRepositoryCommand({ repositoryName }));
  });

  it('pages through every repository in name order with an opaque nextToken', async () => {
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await ecr.send(new DescribeRepositoriesCommand({ maxResults: 2, nextToken }));
      expect(page.repositories!.length).toBeLessThanOrEqual(2);
      seen.push(...page.repositories!.map((r) => r.repositoryName!));
      nextToken = page.nextToken;
      if (nextToken) expect(nextToken).not.toContain('page/');
      pages++;
    } while (nextToken);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expect.arrayContaining(names));
    expect(pages).toBe(Math.ceil(seen.length / 2));
    // Without maxResults, up to 100 come back and no token when that is all.
    const all = await ecr.send(new DescribeRepositoriesCommand({}));
    expect(all.repositories!.map((r) => r.repositoryName)).toEqual(seen);
    expect(all.nextToken).toBeUndefined();
  });

  it('describes the repositories named, in the order named', async () => {
    const { repositories, nextToken } = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['page/c', 'page/a'] }));
    expect(repositories!.map((r) => r.repositoryName)).toEqual(['page/c', 'page/a']);
    expect(nextToken).toBeUndefined();
  });

  it('names the missing repository in RepositoryNotFoundException', async () => {
    expect(await sdkError(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['page/a', 'page/missing'] })))).toEqual({
      name: 'RepositoryNotFoundException',
      message: `The repository with name 'page/missing' does not exist in the registry with id '${ACCOUNT}'`,
    });
  });

  it('refuses maxResults out of 1–1000, a bad nextToken and paging with repositoryNames', async () => {
    for (const input of [
      { maxResults: 0 },
      { maxResults: 1001 },
      { nextToken: 'not-a-token' },
      { nextToken: Buffer.from('{"listing":"DescribeRepositoryCreationTemplates","after":"x"}').toString('base64url') },
      { repositoryNames: ['page/a'], maxResults: 1 },
    ]) {
      expect((await sdkError(ecr.send(new DescribeRepositoriesCommand(input)))).name, JSON.stringify(input)).toBe('InvalidParameterException');
    }
  });
});

describe('DeleteRepository', () => {
  it('refuses a repository with images unless force, then removes images, uploads and resource tags', async () => {
    const name = 'delete/full';
    await ecr.send(new CreateRepositoryCommand({ repositoryName: name, tags: [{ Key: 'owner', Value: 'me' }] }));
    await pushImage(wharf, name, 'v1', randomBytes(512));
    const upload = await startUpload(wharf, name);

    expect(await sdkError(ecr.send(new DeleteRepositoryCommand({ repositoryName: name })))).toEqual({
      name: 'RepositoryNotEmptyException',
      message: `The repository with name '${name}' in registry with id '${ACCOUNT}' cannot be deleted because it still contains images`,
    });
    expect((await registryRequest(wharf, 'GET', `/v2/${name}/manifests/v1`)).status).toBe(200);

    const { repository } = await ecr.send(new DeleteRepositoryCommand({ repositoryName: name, force: true }));
    expect(repository).toMatchObject({ repositoryName: name, repositoryArn: repositoryArn(name), registryId: ACCOUNT });
    expect((await sdkError(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })))).name).toBe('RepositoryNotFoundException');
    expect((await registryRequest(wharf, 'GET', `/v2/${name}/manifests/v1`)).status).toBe(404);
    expect((await registryRequest(wharf, 'GET', upload)).status).toBe(404);

    // A new repository of the same name starts without the old one's tags.
    await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    expect((await ecr.send(new ListTagsForResourceCommand({ resourceArn: repositoryArn(name) }))).tags).toEqual([]);
  });

  it('deletes an empty repository without force and answers RepositoryNotFoundException for an unknown one', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'delete/empty' }));
    expect((await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'delete/empty' }))).repository?.repositoryName).toBe('delete/empty');
    expect(await sdkError(ecr.send(new DeleteRepositoryCommand({ repositoryName: 'delete/empty' })))).toEqual({
      name: 'RepositoryNotFoundException',
      message: `The repository with name 'delete/empty' does not exist in the registry with id '${ACCOUNT}'`,
    });
  });
});

describe('PutImageTagMutability and PutImageScanningConfiguration', () => {
  it('switches modes and filters, answering the settings stored', async () => {
    const repositoryName = 'settings/mutability';
    await ecr.send(new CreateRepositoryCommand({ repositoryName }));
    const immutable = await ecr.send(new PutImageTagMutabilityCommand({ repositoryName, imageTagMutability: 'IMMUTABLE' }));
    expect(immutable).toMatchObject({ registryId: ACCOUNT, repositoryName, imageTagMutability: 'IMMUTABLE' });
    expect(immutable.imageTagMutabilityExclusionFilters).toBeUndefined();

    const filters = [{ filterType: 'WILDCARD' as const, filter: 'release-*' }];
    const withFilters = await ecr.send(new PutImageTagMutabilityCommand({ repositoryName, imageTagMutability: 'MUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: filters }));
    expect(withFilters).toMatchObject({ imageTagMutability: 'MUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: filters });

    // Back to MUTABLE drops the filters.
    await ecr.send(new PutImageTagMutabilityCommand({ repositoryName, imageTagMutability: 'MUTABLE' }));
    const [described] = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }))).repositories!;
    expect(described!.imageTagMutability).toBe('MUTABLE');
    expect(described!.imageTagMutabilityExclusionFilters).toBeUndefined();

    expect((await sdkError(ecr.send(new PutImageTagMutabilityCommand({ repositoryName, imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' })))).name).toBe(
      'InvalidParameterException',
    );
    expect((await sdkError(ecr.send(new PutImageTagMutabilityCommand({ repositoryName, imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: filters })))).name).toBe(
      'InvalidParameterException',
    );
    expect((await sdkError(ecr.send(new PutImageTagMutabilityCommand({ repositoryName: 'settings/missing', imageTagMutability: 'IMMUTABLE' })))).name).toBe(
      'RepositoryNotFoundException',
    );
  });

  it('turns scan on push on and off', async () => {
    const repositoryName = 'settings/scanning';
    await ecr.send(new CreateRepositoryCommand({ repositoryName }));
    expect(await ecr.send(new PutImageScanningConfigurationCommand({ repositoryName, imageScanningConfiguration: { scanOnPush: true } }))).toMatchObject({
      registryId: ACCOUNT,
      repositoryName,
      imageScanningConfiguration: { scanOnPush: true },
    });
    const [described] = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }))).repositories!;
    expect(described!.imageScanningConfiguration).toEqual({ scanOnPush: true });
    await ecr.send(new PutImageScanningConfigurationCommand({ repositoryName, imageScanningConfiguration: { scanOnPush: false } }));
    expect((await sdkError(ecr.send(new PutImageScanningConfigurationCommand({ repositoryName: 'settings/nope', imageScanningConfiguration: { scanOnPush: true } })))).name).toBe(
      'RepositoryNotFoundException',
    );
  });
});

describe('through the AWS CLI', () => {
  it('create-repository, describe-repositories, put-image-tag-mutability, delete-repository --force', async () => {
    const created = await awsCli(wharf, ['ecr', 'create-repository', '--repository-name', 'cli/app', '--image-scanning-configuration', 'scanOnPush=true']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.json.repository).toMatchObject({
      repositoryArn: repositoryArn('cli/app'),
      registryId: ACCOUNT,
      repositoryName: 'cli/app',
      repositoryUri: `${wharf.host}/cli/app`,
      imageTagMutability: 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'AES256' },
    });

    const mutability = await awsCli(wharf, ['ecr', 'put-image-tag-mutability', '--repository-name', 'cli/app', '--image-tag-mutability', 'IMMUTABLE']);
    expect(mutability.code, mutability.stderr).toBe(0);
    expect(mutability.json).toEqual({ registryId: ACCOUNT, repositoryName: 'cli/app', imageTagMutability: 'IMMUTABLE' });

    const described = await awsCli(wharf, ['ecr', 'describe-repositories', '--repository-names', 'cli/app']);
    expect(described.code, described.stderr).toBe(0);
    expect((described.json.repositories as { imageTagMutability: string }[])[0]!.imageTagMutability).toBe('IMMUTABLE');

    const deleted = await awsCli(wharf, ['ecr', 'delete-repository', '--repository-name', 'cli/app', '--force']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect((deleted.json.repository as { repositoryName: string }).repositoryName).toBe('cli/app');

    const missing = await awsCli(wharf, ['ecr', 'describe-repositories', '--repository-names', 'cli/app']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('RepositoryNotFoundException');
    expect(missing.stderr).toContain(`The repository with name 'cli/app' does not exist in the registry with id '${ACCOUNT}'`);
  });

  it('pages describe-repositories with --page-size and gathers every page', async () => {
    for (const n of ['x', 'y', 'z']) await ecr.send(new CreateRepositoryCommand({ repositoryName: `clipage/${n}` }));
    const listed = await awsCli(wharf, ['ecr', 'describe-repositories', '--page-size', '1']);
    expect(listed.code, listed.stderr).toBe(0);
    const names = (listed.json.repositories as { repositoryName: string }[]).map((r) => r.repositoryName);
    expect(names).toEqual(expect.arrayContaining(['clipage/x', 'clipage/y', 'clipage/z']));
    expect(names).toEqual([...names].sort());
  });
});
