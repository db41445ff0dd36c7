// The STS Query API of a real `wharf serve` process, driven by @aws-sdk/client-sts and the AWS CLI:
// GetCallerIdentity for every kind of principal, AssumeRole allowed or refused by identity and
// trust policies, and what the temporary credentials may then do.
import { randomBytes } from 'node:crypto';
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { AttachRolePolicyCommand, CreateRoleCommand, CreateUserCommand, GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCI_MANIFEST } from '../helpers/oci-layout.js';
import { pushImage, registryRequest } from '../helpers/registry-http.js';
import { startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { ACCOUNT, READ_ONLY, awsCli, ecrClient, failure, iamClient, policy, rootCreds, stsClient, userWithKey, type Creds } from './iam-support.js';

const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const userArn = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
const trust = (principal: string, extra: object = {}) => policy({ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', ...extra });
const MAY_ASSUME_ANY_ROLE = policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCOUNT}:role/*` });

describe('STS Query API', () => {
  let wharf: WharfProcess;
  let iam: IAMClient;
  /** May assume roles (identity policy) and is named by the `deployer` trust policy. */
  let alice: Creds;
  /** May assume roles, but no trust policy names her. */
  let mallory: Creds;
  /** Named by the `deployer` trust policy, but no identity policy lets him assume roles. */
  let bob: Creds;

  beforeAll(async () => {
    wharf = await startWharf();
    iam = iamClient(wharf, rootCreds(wharf));
    [alice, mallory] = await Promise.all([
      userWithKey(iam, 'alice', { inline: MAY_ASSUME_ANY_ROLE }),
      userWithKey(iam, 'mallory', { inline: MAY_ASSUME_ANY_ROLE }),
    ]);
    bob = await userWithKey(iam, 'bob');
    await iam.send(new CreateRoleCommand({ RoleName: 'deployer', AssumeRolePolicyDocument: trust(userArn('alice')) }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'deployer', PolicyArn: READ_ONLY }));
    // Trusting bob directly as well: he is still refused, for want of an identity policy.
    await iam.send(
      new CreateRoleCommand({ RoleName: 'bobs', AssumeRolePolicyDocument: policy({ Effect: 'Allow', Principal: { AWS: [userArn('bob'), userArn('alice')] }, Action: 'sts:AssumeRole' }) }),
    );
  });

  afterAll(async () => {
    await wharf?.stop();
  });

  const assume = (creds: Creds, input: Partial<AssumeRoleCommandInput> = {}) =>
    stsClient(wharf, creds).send(new AssumeRoleCommand({ RoleArn: roleArn('deployer'), RoleSessionName: 'build-1', DurationSeconds: 900, ...input }));

  const sessionCreds = (credentials: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Creds => ({
    accessKeyId: credentials!.AccessKeyId!,
    secretAccessKey: credentials!.SecretAccessKey!,
    sessionToken: credentials!.SessionToken!,
  });

  it('tells the root and a user who they are', async () => {
    expect(await stsClient(wharf, rootCreds(wharf)).send(new GetCallerIdentityCommand({}))).toMatchObject({
      Account: ACCOUNT,
      Arn: `arn:aws:iam::${ACCOUNT}:root`,
      UserId: ACCOUNT,
    });
    // No permission needed, as in AWS: bob has no policies at all.
    const who = await stsClient(wharf, bob).send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({ Account: ACCOUNT, Arn: userArn('bob') });
    expect(who.UserId).toMatch(/^AIDA[A-Z2-7]{16}$/);
  });

  it('issues temporary credentials when the identity policy and the trust policy both allow', async () => {
    const before = Date.now();
    const { Credentials, AssumedRoleUser } = await assume(alice);
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'deployer' }));
    expect(Credentials!.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(Credentials!.SecretAccessKey).toHaveLength(40);
    expect(Credentials!.SessionToken!.length).toBeGreaterThan(100);
    const expiresIn = Credentials!.Expiration!.getTime() - before;
    expect(expiresIn).toBeGreaterThan(880_000);
    expect(expiresIn).toBeLessThan(960_000);
    expect(AssumedRoleUser).toEqual({ AssumedRoleId: `${Role!.RoleId}:build-1`, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/build-1` });

    const session = sessionCreds(Credentials);
    expect(await stsClient(wharf, session).send(new GetCallerIdentityCommand({}))).toMatchObject({
      Account: ACCOUNT,
      Arn: AssumedRoleUser!.Arn,
      UserId: AssumedRoleUser!.AssumedRoleId,
    });
  });

  it('gives the session the role’s permissions and no others', async () => {
    const root = { url: wharf.url, ...rootCreds(wharf) };
    const image = await pushImage(root, 'deploy/app', 'v1', randomBytes(128));
    const session = sessionCreds((await assume(alice, { RoleSessionName: 'pull' })).Credentials);

    const { authorizationData } = await ecrClient(wharf, session).send(new GetAuthorizationTokenCommand({}));
    const password = Buffer.from(authorizationData![0]!.authorizationToken!, 'base64').toString('utf8').slice('AWS:'.length);
    const target = { url: wharf.url, accessKeyId: 'AWS', secretAccessKey: password };
    const pulled = await registryRequest(target, 'GET', '/v2/deploy/app/manifests/v1', { accept: OCI_MANIFEST });
    expect(pulled.body.equals(image.manifest)).toBe(true);
    expect((await registryRequest(target, 'POST', '/v2/deploy/app/blobs/uploads/')).status).toBe(403);

    const denied = await failure(iamClient(wharf, session).send(new CreateUserCommand({ UserName: 'sneaky' })));
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(denied.message).toContain(`User: arn:aws:sts::${ACCOUNT}:assumed-role/deployer/pull is not authorized`);
    // A session key is useless without its token, so Basic credentials cannot carry it.
    expect((await registryRequest({ url: wharf.url, ...session }, 'GET', '/v2/deploy/app/manifests/v1', { accept: OCI_MANIFEST })).status).toBe(401);
  });

  it('refuses session credentials without their token or with a tampered one', async () => {
    const session = sessionCreds((await assume(alice, { RoleSessionName: 'tamper' })).Credentials);
    const withoutToken = { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey };
    const token = session.sessionToken!;
    const tampered = { ...session, sessionToken: `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}` };
    for (const creds of [withoutToken, tampered]) {
      expect(await failure(stsClient(wharf, creds).send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
      expect(await failure(ecrClient(wharf, creds).send(new GetAuthorizationTokenCommand({})))).toMatchObject({ name: 'UnrecognizedClientException' });
    }
    // A long-term key presented with a token is refused too.
    expect(await failure(stsClient(wharf, { ...alice, sessionToken: token }).send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'InvalidClientTokenId' });
  });

  it('refuses a caller the trust policy does not name', async () => {
    const denied = await failure(assume(mallory));
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(denied.message).toBe(`User: ${userArn('mallory')} is not authorized to perform: sts:AssumeRole on resource: ${roleArn('deployer')}`);
  });

  it('refuses a caller whose identity policies do not allow sts:AssumeRole, even when trusted by name', async () => {
    expect(await failure(assume(bob, { RoleArn: roleArn('bobs') }))).toMatchObject({ name: 'AccessDenied' });
    expect((await assume(alice, { RoleArn: roleArn('bobs') })).AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/bobs/build-1`);
  });

  it('refuses a role that does not exist the same way as one the caller may not assume', async () => {
    expect(await failure(assume(alice, { RoleArn: roleArn('nobody') }))).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(await failure(assume(alice, { RoleArn: `arn:aws:iam::${ACCOUNT}:role/other-path/deployer` }))).toMatchObject({ name: 'AccessDenied' });
  });

  it('delegates to the identity policies when the trust policy names the account, and lets a trust policy deny', async () => {
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'account-wide',
        AssumeRolePolicyDocument: policy(
          { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' },
          { Effect: 'Deny', Principal: { AWS: userArn('mallory') }, Action: 'sts:AssumeRole' },
        ),
      }),
    );
    await assume(alice, { RoleArn: roleArn('account-wide') });
    await stsClient(wharf, rootCreds(wharf)).send(new AssumeRoleCommand({ RoleArn: roleArn('account-wide'), RoleSessionName: 'admin' }));
    expect(await failure(assume(bob, { RoleArn: roleArn('account-wide') }))).toMatchObject({ name: 'AccessDenied' });
    expect(await failure(assume(mallory, { RoleArn: roleArn('account-wide') }))).toMatchObject({ name: 'AccessDenied' });
  });

  it('evaluates trust policy conditions on sts:ExternalId', async () => {
    await iam.send(
      new CreateRoleCommand({ RoleName: 'vendor', AssumeRolePolicyDocument: trust(userArn('alice'), { Condition: { StringEquals: { 'sts:ExternalId': 'k7-secret' } } }) }),
    );
    expect(await failure(assume(alice, { RoleArn: roleArn('vendor') }))).toMatchObject({ name: 'AccessDenied' });
    expect(await failure(assume(alice, { RoleArn: roleArn('vendor'), ExternalId: 'wrong-one' }))).toMatchObject({ name: 'AccessDenied' });
    await assume(alice, { RoleArn: roleArn('vendor'), ExternalId: 'k7-secret' });
  });

  it('bounds DurationSeconds by 900 and the role’s MaxSessionDuration, and checks the session name', async () => {
    expect(await failure(assume(alice, { DurationSeconds: 899 }))).toMatchObject({ name: 'ValidationError', status: 400 });
    const tooLong = await failure(assume(alice, { DurationSeconds: 3601 }));
    expect(tooLong).toMatchObject({ name: 'ValidationError', message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' });
    const { Credentials } = await assume(alice, { DurationSeconds: undefined });
    expect(Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(3500_000);
    expect(await failure(assume(alice, { RoleSessionName: 'x' }))).toMatchObject({ name: 'ValidationError' });
    expect(await failure(assume(alice, { RoleSessionName: 'has space' }))).toMatchObject({ name: 'ValidationError' });
  });

  it('refuses session policies rather than ignore them', async () => {
    const refused = await failure(assume(alice, { Policy: policy({ Effect: 'Deny', Action: '*', Resource: '*' }) }));
    expect(refused).toMatchObject({ status: 400 });
    expect(refused.message).toContain('Policy is not supported');
  });

  it('works with the AWS CLI, session token included', { timeout: 120_000 }, async () => {
    const assumed = await awsCli(wharf, alice, ['sts', 'assume-role', '--role-arn', roleArn('deployer'), '--role-session-name', 'cli', '--duration-seconds', '900']);
    expect(assumed.code, assumed.stderr).toBe(0);
    const { Credentials } = JSON.parse(assumed.stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } };
    const session = sessionCreds(Credentials);
    const [who, tokenless] = await Promise.all([
      awsCli(wharf, session, ['sts', 'get-caller-identity']),
      awsCli(wharf, { ...session, sessionToken: undefined }, ['sts', 'get-caller-identity']),
    ]);
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/cli` });
    expect(tokenless.code).not.toBe(0);
    expect(tokenless.stderr).toContain('InvalidClientTokenId');
  });
});
