// Command lines over IAM against a real `wharf serve` process: `./bin/wharf iam …` working on the
// server's data directory (identities it creates are used at once with the AWS SDK), and the AWS
// CLI speaking the IAM Query API.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { GetUserCommand, GetUserPolicyCommand, ListAttachedUserPoliciesCommand, type IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { describeWithTools } from '../helpers/tools.js';
import { ACCOUNT, READ_ONLY, awsCli, ecrClient, failure, iamClient, policy, rootCreds, stsClient, type Creds } from './iam-support.js';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Each command line is a process that starts a runtime (Node or Python): seconds apiece on a busy machine.
describe('wharf iam and the AWS CLI', { timeout: 180_000 }, () => {
  let wharf: WharfProcess;
  let iam: IAMClient;
  let work: string;

  beforeAll(async () => {
    [wharf, work] = await Promise.all([startWharf(), mkdtemp(join(tmpdir(), 'wharf-iam-cli-'))]);
    iam = iamClient(wharf, rootCreds(wharf));
  });

  afterAll(async () => {
    await wharf?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** `./bin/wharf iam ARGS --data-dir <the server's>`, with `stdin` piped in. */
  function wharfIam(args: readonly string[], stdin = ''): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(projectRoot, 'bin', 'wharf'), 'iam', ...args, '--data-dir', wharf.dataDir], { cwd: projectRoot });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });
  }

  async function wharfIamOk(args: readonly string[], stdin?: string): Promise<unknown> {
    const result = await wharfIam(args, stdin);
    expect(result.code, `wharf iam ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout);
  }

  describe('./bin/wharf iam', () => {
    let key: Creds;

    it('creates a user and a key that the SDK can use at once', async () => {
      const created = (await wharfIamOk(['create-user', 'ci-bot'])) as { User: { UserName: string; Arn: string } };
      expect(created.User).toMatchObject({ UserName: 'ci-bot', Arn: `arn:aws:iam::${ACCOUNT}:user/ci-bot` });
      const { AccessKey } = (await wharfIamOk(['create-access-key', 'ci-bot'])) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
      key = { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
      expect(key.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);

      expect(await stsClient(wharf, key).send(new GetCallerIdentityCommand({}))).toMatchObject({ Arn: `arn:aws:iam::${ACCOUNT}:user/ci-bot` });
      const users = (await wharfIamOk(['list-users'])) as { Users: { UserName: string }[] };
      expect(users.Users.map((u) => u.UserName)).toEqual(['ci-bot']);
    });

    it('attaches a managed policy by short name and puts an inline policy from stdin', async () => {
      await wharfIamOk(['attach-user-policy', 'ci-bot', 'ReadOnly']);
      const document = policy(
        { Effect: 'Allow', Action: 'iam:GetUser', Resource: `arn:aws:iam::${ACCOUNT}:user/\${aws:username}` },
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCOUNT}:role/ci-*` },
      );
      await wharfIamOk(['put-user-policy', 'ci-bot', 'self', '-'], document);

      expect((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'ci-bot' }))).AttachedPolicies!.map((p) => p.PolicyArn)).toEqual([READ_ONLY]);
      expect(decodeURIComponent((await iam.send(new GetUserPolicyCommand({ UserName: 'ci-bot', PolicyName: 'self' }))).PolicyDocument!)).toBe(document);
      expect((await iamClient(wharf, key).send(new GetUserCommand({}))).User!.UserName).toBe('ci-bot');
      await ecrClient(wharf, key).send(new GetAuthorizationTokenCommand({}));
    });

    it('creates a role from a trust file and gives it an inline policy', async () => {
      const trustFile = join(work, 'trust.json');
      const policyFile = join(work, 'role-policy.json');
      await writeFile(trustFile, policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/ci-bot` }, Action: 'sts:AssumeRole' }));
      await writeFile(policyFile, policy({ Effect: 'Allow', Action: 'ecr:*', Resource: '*' }));
      const { Role } = (await wharfIamOk(['create-role', 'ci-pusher', trustFile])) as { Role: { Arn: string; RoleId: string } };
      expect(Role.RoleId).toMatch(/^AROA/);
      await wharfIamOk(['put-role-policy', 'ci-pusher', 'push', policyFile]);

      const { AssumedRoleUser } = await stsClient(wharf, key).send(new AssumeRoleCommand({ RoleArn: Role.Arn, RoleSessionName: 'job-7' }));
      expect(AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/ci-pusher/job-7`);
    });

    it('reports IAM’s refusals and usage errors with distinct exit codes', async () => {
      const [duplicate, badPolicy, unknownPolicy, usage, unknownCommand] = await Promise.all([
        wharfIam(['create-user', 'ci-bot']),
        wharfIam(['put-user-policy', 'ci-bot', 'bad', '-'], '{"Statement": "nope"}'),
        wharfIam(['attach-user-policy', 'ci-bot', 'Administrator']),
        wharfIam(['create-user']),
        wharfIam(['create-group', 'g']),
      ]);
      expect(duplicate).toMatchObject({ code: 1, stderr: 'error: EntityAlreadyExists: User with name ci-bot already exists.\n' });
      expect(badPolicy.code).toBe(1);
      expect(badPolicy.stderr).toContain('MalformedPolicyDocument');
      expect(unknownPolicy.code).toBe(1);
      expect(unknownPolicy.stderr).toContain('NoSuchEntity');
      expect(usage).toMatchObject({ code: 2, stderr: 'usage: wharf iam create-user NAME\n' });
      expect(unknownCommand.code).toBe(2);
      expect(unknownCommand.stderr).toContain('unknown iam command: create-group');
    });

    it('deletes a key so that it stops working, and never logs a secret', async () => {
      const conflict = await wharfIam(['delete-user', 'ci-bot']);
      expect(conflict.code).toBe(1);
      expect(conflict.stderr).toContain('DeleteConflict');
      await wharfIamOk(['delete-access-key', key.accessKeyId]);
      expect(await failure(stsClient(wharf, key).send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'InvalidClientTokenId' });
      expect(wharf.logs()).not.toContain(key.secretAccessKey);
    });
  });

  describeWithTools('the AWS CLI', ['aws'], () => {
    it('manages a user and its policies, and uses the key it created', async () => {
      const root = rootCreds(wharf);
      const created = await awsCli(wharf, root, ['iam', 'create-user', '--user-name', 'cli-user', '--path', '/cli/', '--tags', 'Key=owner,Value=platform']);
      expect(created.code, created.stderr).toBe(0);
      expect(JSON.parse(created.stdout)).toMatchObject({ User: { UserName: 'cli-user', Path: '/cli/', Tags: [{ Key: 'owner', Value: 'platform' }] } });

      const policyFile = join(work, 'cli-policy.json');
      const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:DescribeRepositories', Resource: '*' }] };
      await writeFile(policyFile, JSON.stringify(document));
      const [put, attach, key] = await Promise.all([
        awsCli(wharf, root, ['iam', 'put-user-policy', '--user-name', 'cli-user', '--policy-name', 'describe', '--policy-document', `file://${policyFile}`]),
        awsCli(wharf, root, ['iam', 'attach-user-policy', '--user-name', 'cli-user', '--policy-arn', READ_ONLY]),
        awsCli(wharf, root, ['iam', 'create-access-key', '--user-name', 'cli-user']),
      ]);
      for (const step of [put, attach, key]) expect(step.code, step.stderr).toBe(0);

      const { AccessKey } = JSON.parse(key.stdout) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
      const userCreds = { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
      const [got, attached, who, missing, wrongSecret] = await Promise.all([
        // The AWS CLI decodes the URL-encoded document IAM returns.
        awsCli(wharf, root, ['iam', 'get-user-policy', '--user-name', 'cli-user', '--policy-name', 'describe']),
        awsCli(wharf, root, ['iam', 'list-attached-user-policies', '--user-name', 'cli-user']),
        awsCli(wharf, userCreds, ['sts', 'get-caller-identity']),
        awsCli(wharf, root, ['iam', 'get-user', '--user-name', 'nobody']),
        awsCli(wharf, { ...userCreds, secretAccessKey: 'x'.repeat(40) }, ['iam', 'get-user']),
      ]);
      expect(got.code, got.stderr).toBe(0);
      expect(JSON.parse(got.stdout)).toEqual({ UserName: 'cli-user', PolicyName: 'describe', PolicyDocument: document });
      expect(JSON.parse(attached.stdout)).toMatchObject({ AttachedPolicies: [{ PolicyName: 'AmazonEC2ContainerRegistryReadOnly', PolicyArn: READ_ONLY }] });
      expect(JSON.parse(who.stdout)).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/cli/cli-user` });
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain('(NoSuchEntity) when calling the GetUser operation: The user with name nobody cannot be found.');
      expect(wrongSecret.stderr).toContain('(SignatureDoesNotMatch)');
    });
  });
});
