// Repository creation templates, and creation on push as ECR does it (repositories.createOnPush
// false): a push to a missing repository fails unless a CREATE_ON_PUSH template covers the name.
import { randomBytes } from 'node:crypto';
import {
  CreateRepositoryCreationTemplateCommand,
  DeleteRepositoryCreationTemplateCommand,
  DescribeRepositoriesCommand,
  DescribeRepositoryCreationTemplatesCommand,
  GetRepositoryPolicyCommand,
  ListTagsForResourceCommand,
  UpdateRepositoryCreationTemplateCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage, registryRequest } from '../helpers/registry-http.js';
import { startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { ACCOUNT, ecrClient, rawEcr, repositoryArn, sdkError } from './ecr-support.js';

let wharf: WharfProcess;
let ecr: ECRClient;

beforeAll(async () => {
  wharf = await startWharf({ env: { WHARF_REPOSITORIES_CREATE_ON_PUSH: 'false' } });
  ecr = ecrClient(wharf);
});
afterAll(async () => {
  ecr?.destroy();
  await wharf?.stop();
});

const policy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Pull', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'ecr:BatchGetImage' }],
});
const lifecycle = JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }, action: { type: 'expire' } }] });

describe('creation template actions', () => {
  it("creates a template and answers ECR's RepositoryCreationTemplate shape", async () => {
    const shape = {
      prefix: 'shape',
      description: 'all of it',
      appliedFor: ['CREATE_ON_PUSH' as const, 'PULL_THROUGH_CACHE' as const],
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' as const,
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD' as const, filter: 'latest' }],
      encryptionConfiguration: { encryptionType: 'KMS' as const, kmsKey: 'arn:aws:kms:us-east-1:000000000000:key/abc' },
      resourceTags: [{ Key: 'team', Value: 'shape' }],
      repositoryPolicy: policy,
      lifecyclePolicy: lifecycle,
      customRoleArn: 'arn:aws:iam::000000000000:role/ecr-templates',
    };
    const created = await ecr.send(new CreateRepositoryCreationTemplateCommand(shape));
    expect(created.registryId).toBe(ACCOUNT);
    // The server's echo of every field, and nothing more (toEqual refuses extra members).
    expect(created.repositoryCreationTemplate).toEqual({
      ...shape,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });

    const raw = await rawEcr(wharf, 'DescribeRepositoryCreationTemplates', { prefixes: ['shape'] });
    const [template] = raw.json.repositoryCreationTemplates as Record<string, unknown>[];
    expect(typeof template!.createdAt).toBe('number');
    expect(typeof template!.updatedAt).toBe('number');
  });

  it('refuses a second template for a prefix with TemplateAlreadyExistsException (prod/ and prod are one prefix)', async () => {
    await ecr.send(new CreateRepositoryCreationTemplateCommand({ prefix: 'dup', appliedFor: ['REPLICATION'] }));
    for (const prefix of ['dup', 'dup/']) {
      expect((await sdkError(ecr.send(new CreateRepositoryCreationTemplateCommand({ prefix, appliedFor: ['REPLICATION'] })))).name).toBe('TemplateAlreadyExistsException');
    }
  });

  it('refuses bad members with InvalidParameterException', async () => {
    for (const input of [
      { prefix: 'Upper', appliedFor: ['CREATE_ON_PUSH' as const] },
      { prefix: 'bad/', appliedFor: [] },
      { prefix: 'bad', appliedFor: ['CREATE_ON_PUSH' as const], imageTagMutability: 'MUTABLE_WITH_EXCLUSION' as const },
      { prefix: 'bad', appliedFor: ['CREATE_ON_PUSH' as const], imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD' as const, filter: 'x' }] },
      { prefix: 'bad', appliedFor: ['CREATE_ON_PUSH' as const], repositoryPolicy: '{"Statement": "nope"}' },
      { prefix: 'bad', appliedFor: ['CREATE_ON_PUSH' as const], lifecyclePolicy: 'not json' },
      { prefix: 'bad', appliedFor: ['CREATE_ON_PUSH' as const], encryptionConfiguration: { encryptionType: 'KMS' as const, kmsKey: 'not-a-key-arn' } },
    ]) {
      expect((await sdkError(ecr.send(new CreateRepositoryCreationTemplateCommand(input as never)))).name, JSON.stringify(input)).toBe('InvalidParameterException');
    }
    expect((await sdkError(ecr.send(new CreateRepositoryCreationTemplateCommand({ prefix: 'bad', appliedFor: ['CREATE_ON_PUSH'], resourceTags: [{ Key: 'aws:x', Value: '' }] })))).name).toBe(
      'InvalidTagParameterException',
    );
    const described = await ecr.send(new DescribeRepositoryCreationTemplatesCommand({ prefixes: ['bad'] }));
    expect(described.repositoryCreationTemplates).toEqual([]);
  });

  it('describes by prefixes (unknown ones left out) and pages through all in prefix order', async () => {
    for (const prefix of ['list/a', 'list/b', 'list/c']) await ecr.send(new CreateRepositoryCreationTemplateCommand({ prefix, appliedFor: ['REPLICATION'] }));
    const some = await ecr.send(new DescribeRepositoryCreationTemplatesCommand({ prefixes: ['list/c', 'list/a', 'list/none'] }));
    expect(some.repositoryCreationTemplates!.map((t) => t.prefix)).toEqual(['list/a', 'list/c']);

    const paged = await ecr.send(new DescribeRepositoryCreationTemplatesCommand({ prefixes: ['list/a', 'list/b', 'list/c'], maxResults: 2 }));
    expect(paged.repositoryCreationTemplates!.map((t) => t.prefix)).toEqual(['list/a', 'list/b']);
    const rest = await ecr.send(new DescribeRepositoryCreationTemplatesCommand({ prefixes: ['list/a', 'list/b', 'list/c'], maxResults: 2, nextToken: paged.nextToken }));
    expect(rest.repositoryCreationTemplates!.map((t) => t.prefix)).toEqual(['list/c']);
    expect(rest.nextToken).toBeUndefined();

    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ecr.send(new DescribeRepositoryCreationTemplatesCommand({ maxResults: 1, nextToken }));
      expect(page.registryId).toBe(ACCOUNT);
      seen.push(...page.repositoryCreationTemplates!.map((t) => t.prefix!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expect.arrayContaining(['list/a', 'list/b', 'list/c', 'dup', 'shape']));
    expect((await sdkError(ecr.send(new DescribeRepositoryCreationTemplatesCommand({ nextToken: 'garbage!' })))).name).toBe('InvalidParameterException');
    expect((await sdkError(ecr.send(new DescribeRepositoryCreationTemplatesCommand({ maxResults: 0 })))).name).toBe('InvalidParameterException');
  });

  it('updates the members given, keeps the others, and deletes answering the template removed', async () => {
    const created = await ecr.send(
      new CreateRepositoryCreationTemplateCommand({ prefix: 'upd', description: 'first', appliedFor: ['CREATE_ON_PUSH'], resourceTags: [{ Key: 'a', Value: '1' }] }),
    );
    const updated = await ecr.send(
      new UpdateRepositoryCreationTemplateCommand({
        prefix: 'upd',
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }],
        description: '',
      }),
    );
    expect(updated.repositoryCreationTemplate).toMatchObject({
      prefix: 'upd',
      appliedFor: ['CREATE_ON_PUSH'],
      resourceTags: [{ Key: 'a', Value: '1' }],
      imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }],
    });
    expect(updated.repositoryCreationTemplate!.description).toBeUndefined();
    expect(updated.repositoryCreationTemplate!.createdAt).toEqual(created.repositoryCreationTemplate!.createdAt);

    expect((await sdkError(ecr.send(new UpdateRepositoryCreationTemplateCommand({ prefix: 'upd', imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [] })))).name).toBe(
      'InvalidParameterException',
    );
    expect(await sdkError(ecr.send(new UpdateRepositoryCreationTemplateCommand({ prefix: 'nope', description: 'x' })))).toEqual({
      name: 'TemplateNotFoundException',
      message: `Repository creation template with prefix 'nope' does not exist in the registry with id '${ACCOUNT}'`,
    });

    const deleted = await ecr.send(new DeleteRepositoryCreationTemplateCommand({ prefix: 'upd' }));
    expect(deleted).toMatchObject({ registryId: ACCOUNT, repositoryCreationTemplate: { prefix: 'upd', imageTagMutability: 'MUTABLE_WITH_EXCLUSION' } });
    expect((await sdkError(ecr.send(new DeleteRepositoryCreationTemplateCommand({ prefix: 'upd' })))).name).toBe('TemplateNotFoundException');
  });
});

describe('creation on push (repositories.createOnPush: false)', () => {
  const layer = () => randomBytes(300);

  it('refuses a push to a missing repository that no CREATE_ON_PUSH template covers with NAME_UNKNOWN', async () => {
    const res = await registryRequest(wharf, 'POST', '/v2/nowhere/app/blobs/uploads/');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body.toString())).toEqual({
      errors: [{ code: 'NAME_UNKNOWN', message: `The repository with name 'nowhere/app' does not exist in the registry with id '${ACCOUNT}'` }],
    });
    // A template for other uses only does not create on push.
    await ecr.send(new CreateRepositoryCreationTemplateCommand({ prefix: 'nowhere', appliedFor: ['PULL_THROUGH_CACHE', 'REPLICATION'] }));
    expect((await registryRequest(wharf, 'POST', '/v2/nowhere/app/blobs/uploads/')).status).toBe(404);
    expect((await sdkError(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['nowhere/app'] })))).name).toBe('RepositoryNotFoundException');
  });

  it("creates the repository with the template's settings, resource tags and policy", async () => {
    await ecr.send(
      new CreateRepositoryCreationTemplateCommand({
        prefix: 'team',
        appliedFor: ['CREATE_ON_PUSH'],
        imageTagMutability: 'IMMUTABLE',
        encryptionConfiguration: { encryptionType: 'KMS_DSSE' },
        resourceTags: [{ Key: 'team', Value: 'core' }],
        repositoryPolicy: policy,
      }),
    );
    await pushImage(wharf, 'team/app', 'v1', layer());
    const [repository] = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/app'] }))).repositories!;
    expect(repository).toMatchObject({ repositoryName: 'team/app', imageTagMutability: 'IMMUTABLE', encryptionConfiguration: { encryptionType: 'KMS_DSSE' } });
    expect((await ecr.send(new ListTagsForResourceCommand({ resourceArn: repositoryArn('team/app') }))).tags).toEqual([{ Key: 'team', Value: 'core' }]);
    expect((await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'team/app' }))).policyText).toBe(policy);
    // A prefix covers names below it, not the name itself.
    expect((await registryRequest(wharf, 'POST', '/v2/team/blobs/uploads/')).status).toBe(404);
  });

  it('takes the longest matching prefix, ROOT last', async () => {
    await ecr.send(
      new CreateRepositoryCreationTemplateCommand({
        prefix: 'team/web',
        appliedFor: ['CREATE_ON_PUSH'],
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }],
      }),
    );
    await ecr.send(new CreateRepositoryCreationTemplateCommand({ prefix: 'ROOT', appliedFor: ['CREATE_ON_PUSH'], resourceTags: [{ Key: 'from', Value: 'root' }] }));

    await pushImage(wharf, 'team/web/frontend', 'v1', layer());
    await pushImage(wharf, 'team/other', 'v1', layer());
    await pushImage(wharf, 'solo', 'v1', layer());
    const described = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/web/frontend', 'team/other', 'solo'] }));
    expect(described.repositories!.map((r) => [r.repositoryName, r.imageTagMutability])).toEqual([
      ['team/web/frontend', 'MUTABLE_WITH_EXCLUSION'],
      ['team/other', 'IMMUTABLE'],
      ['solo', 'MUTABLE'],
    ]);
    expect(described.repositories![0]!.imageTagMutabilityExclusionFilters).toEqual([{ filterType: 'WILDCARD', filter: 'release-*' }]);
    expect((await ecr.send(new ListTagsForResourceCommand({ resourceArn: repositoryArn('solo') }))).tags).toEqual([{ Key: 'from', Value: 'root' }]);
    // The template's mutability holds on the data plane from the first push on.
    await expect(pushImage(wharf, 'team/other', 'v1', layer())).rejects.toThrow(/got 400 .*TAG_INVALID/);
  });
});
