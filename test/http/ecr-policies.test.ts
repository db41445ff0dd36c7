// Repository and registry policies and DescribeRegistry against a real `wharf serve`.
import {
  CreateRepositoryCommand,
  DeleteRegistryPolicyCommand,
  DeleteRepositoryPolicyCommand,
  DescribeRegistryCommand,
  GetRegistryPolicyCommand,
  GetRepositoryPolicyCommand,
  PutRegistryPolicyCommand,
  SetRepositoryPolicyCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { ACCOUNT, awsCli, ecrClient, sdkError } from './ecr-support.js';

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

const pullPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'AllowPull', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] }],
});

describe('repository policies', () => {
  it('sets, gets and deletes a policy; the delete answers the text it removed', async () => {
    const repositoryName = 'policy/app';
    await ecr.send(new CreateRepositoryCommand({ repositoryName }));
    expect(await sdkError(ecr.send(new GetRepositoryPolicyCommand({ repositoryName })))).toEqual({
      name: 'RepositoryPolicyNotFoundException',
      message: `Repository policy does not exist for the repository with name '${repositoryName}' in the registry with id '${ACCOUNT}'`,
    });

    const set = await ecr.send(new SetRepositoryPolicyCommand({ repositoryName, policyText: pullPolicy }));
    expect(set).toMatchObject({ registryId: ACCOUNT, repositoryName, policyText: pullPolicy });
    expect(await ecr.send(new GetRepositoryPolicyCommand({ repositoryName }))).toMatchObject({ registryId: ACCOUNT, repositoryName, policyText: pullPolicy });

    const deleted = await ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName }));
    expect(deleted).toMatchObject({ registryId: ACCOUNT, repositoryName, policyText: pullPolicy });
    expect((await sdkError(ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName })))).name).toBe('RepositoryPolicyNotFoundException');
    expect((await sdkError(ecr.send(new GetRepositoryPolicyCommand({ repositoryName })))).name).toBe('RepositoryPolicyNotFoundException');
  });

  it('refuses invalid and over-long policies with InvalidParameterException', async () => {
    const repositoryName = 'policy/invalid';
    await ecr.send(new CreateRepositoryCommand({ repositoryName }));
    const tooLong = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'x'.repeat(10_300), Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }],
    });
    for (const policyText of ['not json', '{}', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Principal: '*', Action: 'ecr:*' }] }), tooLong]) {
      expect((await sdkError(ecr.send(new SetRepositoryPolicyCommand({ repositoryName, policyText })))).name, policyText.slice(0, 40)).toBe('InvalidParameterException');
    }
    expect((await sdkError(ecr.send(new GetRepositoryPolicyCommand({ repositoryName })))).name).toBe('RepositoryPolicyNotFoundException');
  });

  it('needs force for a policy that would lock the caller out of SetRepositoryPolicy, and then enforces it', async () => {
    const repositoryName = 'policy/lockout';
    await ecr.send(new CreateRepositoryCommand({ repositoryName }));
    const lockout = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'NoMoreChanges', Effect: 'Deny', Principal: '*', Action: 'ecr:SetRepositoryPolicy' }],
    });
    const refused = await sdkError(ecr.send(new SetRepositoryPolicyCommand({ repositoryName, policyText: lockout })));
    expect(refused.name).toBe('InvalidParameterException');
    expect(refused.message).toContain('force');
    expect((await ecr.send(new SetRepositoryPolicyCommand({ repositoryName, policyText: lockout, force: true }))).policyText).toBe(lockout);
    expect((await sdkError(ecr.send(new SetRepositoryPolicyCommand({ repositoryName, policyText: pullPolicy, force: true })))).name).toBe('AccessDeniedException');
    // The policy denies only SetRepositoryPolicy: deleting it is still allowed.
    await ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName }));
    await ecr.send(new SetRepositoryPolicyCommand({ repositoryName, policyText: pullPolicy }));
  });

  it('answers RepositoryNotFoundException for a policy on a missing repository', async () => {
    for (const command of [
      new SetRepositoryPolicyCommand({ repositoryName: 'policy/none', policyText: pullPolicy }),
      new GetRepositoryPolicyCommand({ repositoryName: 'policy/none' }),
      new DeleteRepositoryPolicyCommand({ repositoryName: 'policy/none' }),
      new GetRepositoryPolicyCommand({ repositoryName: 'policy/app', registryId: '111111111111' }),
    ]) {
      expect((await sdkError(ecr.send(command as never))).name).toBe('RepositoryNotFoundException');
    }
  });

  it('works through the AWS CLI', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'policy/cli' }));
    const set = await awsCli(wharf, ['ecr', 'set-repository-policy', '--repository-name', 'policy/cli', '--policy-text', pullPolicy]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.json).toEqual({ registryId: ACCOUNT, repositoryName: 'policy/cli', policyText: pullPolicy });
    const got = await awsCli(wharf, ['ecr', 'get-repository-policy', '--repository-name', 'policy/cli']);
    expect(got.json.policyText).toBe(pullPolicy);
    await awsCli(wharf, ['ecr', 'delete-repository-policy', '--repository-name', 'policy/cli']);
    const gone = await awsCli(wharf, ['ecr', 'get-repository-policy', '--repository-name', 'policy/cli']);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('RepositoryPolicyNotFoundException');
  });
});

describe('registry policy and DescribeRegistry', () => {
  const registryPolicy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Replicate', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: ['ecr:CreateRepository', 'ecr:ReplicateImage'], Resource: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/*` }],
  });

  it('puts, gets and deletes the registry policy', async () => {
    expect(await sdkError(ecr.send(new GetRegistryPolicyCommand({})))).toEqual({
      name: 'RegistryPolicyNotFoundException',
      message: `Registry policy does not exist in the registry with id '${ACCOUNT}'`,
    });
    expect((await sdkError(ecr.send(new DeleteRegistryPolicyCommand({})))).name).toBe('RegistryPolicyNotFoundException');

    expect(await ecr.send(new PutRegistryPolicyCommand({ policyText: registryPolicy }))).toMatchObject({ registryId: ACCOUNT, policyText: registryPolicy });
    expect(await ecr.send(new GetRegistryPolicyCommand({}))).toMatchObject({ registryId: ACCOUNT, policyText: registryPolicy });
    expect(await ecr.send(new DeleteRegistryPolicyCommand({}))).toMatchObject({ registryId: ACCOUNT, policyText: registryPolicy });
    expect((await sdkError(ecr.send(new GetRegistryPolicyCommand({})))).name).toBe('RegistryPolicyNotFoundException');
  });

  it('refuses an invalid registry policy with InvalidParameterException', async () => {
    for (const policyText of ['[]', JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'ecr:*' }] }), ' '.repeat(10_241)]) {
      expect((await sdkError(ecr.send(new PutRegistryPolicyCommand({ policyText })))).name).toBe('InvalidParameterException');
    }
  });

  it('describes the registry: its id and no replication rules', async () => {
    const described = await ecr.send(new DescribeRegistryCommand({}));
    expect(described).toMatchObject({ registryId: ACCOUNT, replicationConfiguration: { rules: [] } });
  });
});
