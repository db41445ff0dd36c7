// The IAM Query API of a real `wharf serve` process, driven by @aws-sdk/client-iam: users, access
// keys, inline and managed policies, roles, IAM's own authorisation, and what the identities
// created here may then do on the ECR API and the data plane.
import { randomBytes } from 'node:crypto';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCI_MANIFEST } from '../helpers/oci-layout.js';
import { pushImage, registryRequest, type RegistryTarget } from '../helpers/registry-http.js';
import { startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { ACCOUNT, READ_ONLY, ecrClient, failure, iamClient, policy, rootCreds, stsClient, userWithKey, type Creds } from './iam-support.js';

const ECR_ALL_ON = (repository: string) => ({ Effect: 'Allow', Action: 'ecr:*', Resource: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/${repository}` });
const ALLOW_LOGIN = { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' };
const TRUST_ACCOUNT = policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' });

describe('IAM Query API', () => {
  let wharf: WharfProcess;
  let iam: IAMClient;
  let root: RegistryTarget;
  /** Whether the ECR repository actions are served (they live in another part of the control plane). */
  let ecrRepositoryActions: boolean;

  beforeAll(async () => {
    wharf = await startWharf();
    iam = iamClient(wharf, rootCreds(wharf));
    root = { url: wharf.url, ...rootCreds(wharf) };
    ecrRepositoryActions = await ecrClient(wharf, rootCreds(wharf))
      .send(new DescribeRepositoriesCommand({}))
      .then(
        () => true,
        (err: Error) => (err.name === 'UnknownOperationException' ? false : Promise.reject(err)),
      );
  });

  afterAll(async () => {
    await wharf?.stop();
  });

  /** Data-plane access with an IAM user's key as Basic credentials. */
  const asKey = (creds: Creds): RegistryTarget => ({ url: wharf.url, accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey });

  it('creates users with a path and tags, gets, pages through and deletes them', async () => {
    const created = await iam.send(new CreateUserCommand({ UserName: 'ana', Path: '/eng/', Tags: [{ Key: 'team', Value: 'registry' }] }));
    expect(created.User).toMatchObject({ UserName: 'ana', Path: '/eng/', Arn: `arn:aws:iam::${ACCOUNT}:user/eng/ana`, Tags: [{ Key: 'team', Value: 'registry' }] });
    expect(created.User!.UserId).toMatch(/^AIDA[A-Z2-7]{16}$/);
    expect(created.User!.CreateDate).toBeInstanceOf(Date);

    const got = await iam.send(new GetUserCommand({ UserName: 'ana' }));
    expect(got.User).toEqual(created.User);

    for (const name of ['ben', 'cy']) await iam.send(new CreateUserCommand({ UserName: name }));
    const first = await iam.send(new ListUsersCommand({ MaxItems: 2 }));
    expect(first.Users!.map((u) => u.UserName)).toEqual(['ana', 'ben']);
    expect(first.IsTruncated).toBe(true);
    const rest = await iam.send(new ListUsersCommand({ MaxItems: 2, Marker: first.Marker }));
    expect(rest.Users!.map((u) => u.UserName)).toContain('cy');
    expect((await iam.send(new ListUsersCommand({ PathPrefix: '/eng/' }))).Users!.map((u) => u.UserName)).toEqual(['ana']);

    await iam.send(new DeleteUserCommand({ UserName: 'cy' }));
    expect(await failure(iam.send(new GetUserCommand({ UserName: 'cy' })))).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
  });

  it('answers GetUser without a name with the caller', async () => {
    const { User } = await iam.send(new GetUserCommand({}));
    expect(User).toMatchObject({ UserId: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` });
  });

  it('refuses a taken name, a malformed name and a missing name as IAM does', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'dup' }));
    expect(await failure(iam.send(new CreateUserCommand({ UserName: 'dup' })))).toMatchObject({
      name: 'EntityAlreadyExistsException',
      status: 409,
      message: 'User with name dup already exists.',
    });
    const malformed = await failure(iam.send(new CreateUserCommand({ UserName: 'no spaces' })));
    expect(malformed).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(malformed.message).toContain("at 'userName' failed to satisfy constraint");
    expect(await failure(iam.send(new CreateUserCommand({ UserName: 'x'.repeat(65) })))).toMatchObject({ name: 'ValidationError' });
    expect(await failure(iam.send(new DeleteUserCommand({ UserName: 'ghost' })))).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The user with name ghost cannot be found.',
    });
  });

  it('returns a secret once, lists keys without it, allows two per user, and deletes them', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'keys' }));
    const first = (await iam.send(new CreateAccessKeyCommand({ UserName: 'keys' }))).AccessKey!;
    expect(first).toMatchObject({ UserName: 'keys', Status: 'Active' });
    expect(first.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(first.SecretAccessKey).toHaveLength(40);
    const second = (await iam.send(new CreateAccessKeyCommand({ UserName: 'keys' }))).AccessKey!;
    expect(await failure(iam.send(new CreateAccessKeyCommand({ UserName: 'keys' })))).toMatchObject({ name: 'LimitExceededException', status: 409 });

    const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'keys' }));
    expect(listed.AccessKeyMetadata!.map((k) => k.AccessKeyId).sort()).toEqual([first.AccessKeyId, second.AccessKeyId].sort());
    expect(JSON.stringify(listed)).not.toContain(first.SecretAccessKey);

    // The new key authenticates at once; a user holding keys cannot be deleted.
    const caller = await stsClient(wharf, { accessKeyId: first.AccessKeyId!, secretAccessKey: first.SecretAccessKey! }).send(new GetCallerIdentityCommand({}));
    expect(caller.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/keys`);
    expect(await failure(iam.send(new DeleteUserCommand({ UserName: 'keys' })))).toMatchObject({
      name: 'DeleteConflictException',
      status: 409,
      message: 'Cannot delete entity, must delete access keys first.',
    });

    expect(await failure(iam.send(new DeleteAccessKeyCommand({ UserName: 'dup', AccessKeyId: first.AccessKeyId })))).toMatchObject({ name: 'NoSuchEntityException' });
    for (const key of [first, second]) await iam.send(new DeleteAccessKeyCommand({ UserName: 'keys', AccessKeyId: key.AccessKeyId }));
    const gone = await failure(stsClient(wharf, { accessKeyId: first.AccessKeyId!, secretAccessKey: first.SecretAccessKey! }).send(new GetCallerIdentityCommand({})));
    expect(gone).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    await iam.send(new DeleteUserCommand({ UserName: 'keys' }));
  });

  it('validates inline user policies, limits their size, and returns them URL-encoded', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'inline' }));
    const document = policy({ Sid: 'Pull', Effect: 'Allow', Action: ['ecr:BatchGetImage'], Resource: '*' });
    await iam.send(new PutUserPolicyCommand({ UserName: 'inline', PolicyName: 'pull', PolicyDocument: document }));

    const got = await iam.send(new GetUserPolicyCommand({ UserName: 'inline', PolicyName: 'pull' }));
    expect(got).toMatchObject({ UserName: 'inline', PolicyName: 'pull' });
    expect(got.PolicyDocument).not.toContain('{');
    expect(decodeURIComponent(got.PolicyDocument!)).toBe(document);
    expect((await iam.send(new ListUserPoliciesCommand({ UserName: 'inline' }))).PolicyNames).toEqual(['pull']);

    const malformed = await failure(iam.send(new PutUserPolicyCommand({ UserName: 'inline', PolicyName: 'bad', PolicyDocument: '{"Statement":[{"Effect":"Maybe"}]}' })));
    expect(malformed).toMatchObject({ name: 'MalformedPolicyDocumentException', status: 400 });
    const notJson = await failure(iam.send(new PutUserPolicyCommand({ UserName: 'inline', PolicyName: 'bad', PolicyDocument: 'not json' })));
    expect(notJson.name).toBe('MalformedPolicyDocumentException');

    // 2,048 characters (white space not counted) across all of a user's inline policies.
    const resources = Array.from({ length: 40 }, (_, i) => `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/team/r${i}`);
    const big = policy({ Effect: 'Allow', Action: 'ecr:*', Resource: resources });
    expect(big.length).toBeGreaterThan(2048);
    expect(await failure(iam.send(new PutUserPolicyCommand({ UserName: 'inline', PolicyName: 'big', PolicyDocument: big })))).toMatchObject({
      name: 'LimitExceededException',
      message: 'Maximum policy size of 2048 bytes exceeded for user inline',
    });
    const spaced = document.replace('{', `{${' '.repeat(3000)}`);
    expect(spaced.length).toBeGreaterThan(2048);
    await iam.send(new PutUserPolicyCommand({ UserName: 'inline', PolicyName: 'pull', PolicyDocument: spaced }));

    expect(await failure(iam.send(new PutUserPolicyCommand({ UserName: 'ghost', PolicyName: 'p', PolicyDocument: document })))).toMatchObject({ name: 'NoSuchEntityException' });
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'inline', PolicyName: 'pull' }));
    expect(await failure(iam.send(new GetUserPolicyCommand({ UserName: 'inline', PolicyName: 'pull' })))).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The user policy with name pull cannot be found.',
    });
    expect((await iam.send(new ListUserPoliciesCommand({ UserName: 'inline' }))).PolicyNames).toEqual([]);
  });

  it('attaches and detaches only the AWS-managed ECR policies', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'attached' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'attached', PolicyArn: READ_ONLY }));
    expect((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'attached' }))).AttachedPolicies).toEqual([
      { PolicyName: 'AmazonEC2ContainerRegistryReadOnly', PolicyArn: READ_ONLY },
    ]);
    const unknown = 'arn:aws:iam::aws:policy/AdministratorAccess';
    expect(await failure(iam.send(new AttachUserPolicyCommand({ UserName: 'attached', PolicyArn: unknown })))).toMatchObject({
      name: 'NoSuchEntityException',
      message: `Policy ${unknown} does not exist or is not attachable.`,
    });
    expect(await failure(iam.send(new AttachUserPolicyCommand({ UserName: 'attached', PolicyArn: 'arn:aws:s3:::not-a-policy' })))).toMatchObject({
      name: 'InvalidInputException',
    });
    expect(await failure(iam.send(new DeleteUserCommand({ UserName: 'attached' })))).toMatchObject({ name: 'DeleteConflictException' });
    await iam.send(new DetachUserPolicyCommand({ UserName: 'attached', PolicyArn: READ_ONLY }));
    expect(await failure(iam.send(new DetachUserPolicyCommand({ UserName: 'attached', PolicyArn: READ_ONLY })))).toMatchObject({ name: 'NoSuchEntityException' });
    await iam.send(new DeleteUserCommand({ UserName: 'attached' }));
  });

  it('lets a user with AmazonEC2ContainerRegistryReadOnly pull but not push', async () => {
    const image = await pushImage(root, 'demo/app', 'v1', randomBytes(512));
    const creds = await userWithKey(iam, 'puller', { attach: [READ_ONLY] });

    const { authorizationData } = await ecrClient(wharf, creds).send(new GetAuthorizationTokenCommand({}));
    const [user, password] = Buffer.from(authorizationData![0]!.authorizationToken!, 'base64').toString('utf8').split(':');
    expect(user).toBe('AWS');
    for (const target of [{ url: wharf.url, accessKeyId: 'AWS', secretAccessKey: password! }, asKey(creds)]) {
      const pulled = await registryRequest(target, 'GET', '/v2/demo/app/manifests/v1', { accept: OCI_MANIFEST });
      expect(pulled.status).toBe(200);
      expect(pulled.body.equals(image.manifest)).toBe(true);
      const catalog = await registryRequest(target, 'GET', '/v2/_catalog');
      expect(catalog.status).toBe(200);
      expect((JSON.parse(catalog.body.toString()) as { repositories: string[] }).repositories).toContain('demo/app');
      expect((await registryRequest(target, 'POST', '/v2/demo/app/blobs/uploads/')).status).toBe(403);
    }
  });

  it('lets a user with AmazonEC2ContainerRegistryReadOnly describe repositories but not create one through the ECR API', async (context) => {
    if (!ecrRepositoryActions) context.skip('the ECR repository actions are not served yet');
    const creds = await userWithKey(iam, 'reader', { attach: [READ_ONLY] });
    const ecr = ecrClient(wharf, creds);
    await pushImage(root, 'demo/described', 'v1', randomBytes(64));
    expect((await ecr.send(new DescribeRepositoriesCommand({}))).repositories!.map((r) => r.repositoryName)).toContain('demo/described');
    const denied = await failure(ecr.send(new CreateRepositoryCommand({ repositoryName: 'reader/new' })));
    expect(denied).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(denied.message).toContain('ecr:CreateRepository');
  });

  it('confines a user whose inline policy names one repository to that repository', async () => {
    await pushImage(root, 'team/allowed', 'v1', randomBytes(256));
    await pushImage(root, 'team/other', 'v1', randomBytes(256));
    const creds = await userWithKey(iam, 'one-repo', { inline: policy(ALLOW_LOGIN, ECR_ALL_ON('team/allowed')) });
    const target = asKey(creds);

    expect((await registryRequest(target, 'GET', '/v2/team/allowed/manifests/v1', { accept: OCI_MANIFEST })).status).toBe(200);
    expect((await registryRequest(target, 'POST', '/v2/team/allowed/blobs/uploads/')).status).toBe(202);
    expect((await registryRequest(target, 'GET', '/v2/team/other/manifests/v1', { accept: OCI_MANIFEST })).status).toBe(403);
    expect((await registryRequest(target, 'POST', '/v2/team/other/blobs/uploads/')).status).toBe(403);
    await ecrClient(wharf, creds).send(new GetAuthorizationTokenCommand({}));
  });

  it('authorises IAM actions by the caller’s identity policies, on the user ARN', async () => {
    const creds = await userWithKey(iam, 'ops', {
      inline: policy(
        { Effect: 'Allow', Action: 'iam:*', Resource: `arn:aws:iam::${ACCOUNT}:user/managed/*` },
        { Effect: 'Allow', Action: 'iam:GetUser', Resource: `arn:aws:iam::${ACCOUNT}:user/\${aws:username}` },
      ),
    });
    const ops = iamClient(wharf, creds);
    expect((await ops.send(new CreateUserCommand({ UserName: 'svc', Path: '/managed/' }))).User!.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/managed/svc`);
    expect((await ops.send(new ListUsersCommand({ PathPrefix: '/managed/' }))).Users!.map((u) => u.UserName)).toEqual(['svc']);
    expect((await ops.send(new GetUserCommand({}))).User!.UserName).toBe('ops');

    const denied = await failure(ops.send(new CreateUserCommand({ UserName: 'elsewhere' })));
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(denied.message).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/ops is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCOUNT}:user/elsewhere because no identity-based policy allows the iam:CreateUser action`,
    );
    expect(await failure(ops.send(new ListUsersCommand({})))).toMatchObject({ name: 'AccessDenied' });
    // A user the caller may not see is refused, not reported missing.
    expect(await failure(ops.send(new GetUserCommand({ UserName: 'ghost' })))).toMatchObject({ name: 'AccessDenied' });
    expect(await failure(ops.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST_ACCOUNT })))).toMatchObject({ name: 'AccessDenied' });

    // An explicit deny wins over the allow.
    await iam.send(new PutUserPolicyCommand({ UserName: 'ops', PolicyName: 'no-deletes', PolicyDocument: policy({ Effect: 'Deny', Action: 'iam:Delete*', Resource: '*' }) }));
    const explicit = await failure(ops.send(new DeleteUserCommand({ UserName: 'svc' })));
    expect(explicit.message).toContain('with an explicit deny in an identity-based policy');
    expect((await iam.send(new GetUserCommand({ UserName: 'svc' }))).User!.Path).toBe('/managed/');
  });

  it('refuses a wrong secret and an unknown key on IAM and ECR alike', async () => {
    const wrongSecret = { ...rootCreds(wharf), secretAccessKey: 'x'.repeat(40) };
    expect(await failure(iamClient(wharf, wrongSecret).send(new GetUserCommand({})))).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(await failure(ecrClient(wharf, wrongSecret).send(new GetAuthorizationTokenCommand({})))).toMatchObject({ name: 'InvalidSignatureException' });

    const unknown = { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x'.repeat(40) };
    expect(await failure(iamClient(wharf, unknown).send(new GetUserCommand({})))).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    expect(await failure(ecrClient(wharf, unknown).send(new GetAuthorizationTokenCommand({})))).toMatchObject({ name: 'UnrecognizedClientException' });
  });

  it('creates roles with a validated trust policy and manages their policies', async () => {
    const malformed = await failure(
      iam.send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: policy({ Effect: 'Allow', Action: 'sts:AssumeRole' }) })),
    );
    expect(malformed).toMatchObject({ name: 'MalformedPolicyDocumentException', status: 400 });
    expect(await failure(iam.send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: TRUST_ACCOUNT, MaxSessionDuration: 60 })))).toMatchObject({
      name: 'ValidationError',
    });

    const { Role } = await iam.send(
      new CreateRoleCommand({ RoleName: 'builder', Path: '/ci/', AssumeRolePolicyDocument: TRUST_ACCOUNT, Description: 'CI builds', MaxSessionDuration: 7200 }),
    );
    expect(Role).toMatchObject({ RoleName: 'builder', Path: '/ci/', Arn: `arn:aws:iam::${ACCOUNT}:role/ci/builder`, Description: 'CI builds', MaxSessionDuration: 7200 });
    expect(Role!.RoleId).toMatch(/^AROA[A-Z2-7]{16}$/);
    expect(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).toBe(TRUST_ACCOUNT);
    expect((await iam.send(new GetRoleCommand({ RoleName: 'builder' }))).Role).toEqual(Role);
    expect((await iam.send(new ListRolesCommand({}))).Roles!.map((r) => r.RoleName)).toContain('builder');
    expect(await failure(iam.send(new CreateRoleCommand({ RoleName: 'builder', AssumeRolePolicyDocument: TRUST_ACCOUNT })))).toMatchObject({
      name: 'EntityAlreadyExistsException',
    });

    const push = policy(ECR_ALL_ON('ci/*'));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'builder', PolicyName: 'push', PolicyDocument: push }));
    expect(decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: 'builder', PolicyName: 'push' }))).PolicyDocument!)).toBe(push);
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'builder' }))).PolicyNames).toEqual(['push']);
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'builder', PolicyArn: READ_ONLY }));
    expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'builder' }))).AttachedPolicies!.map((p) => p.PolicyArn)).toEqual([READ_ONLY]);

    expect(await failure(iam.send(new DeleteRoleCommand({ RoleName: 'builder' })))).toMatchObject({ name: 'DeleteConflictException' });
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'builder', PolicyName: 'push' }));
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'builder', PolicyArn: READ_ONLY }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'builder' }));
    expect(await failure(iam.send(new GetRoleCommand({ RoleName: 'builder' })))).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role with name builder cannot be found.',
    });
  });

  describe('wire format', () => {
    /** A SigV4-signed form POST, as the SDK would send it but with a body of our choosing. */
    async function signedPost(form: Record<string, string>, service = 'iam') {
      const body = new URLSearchParams(form).toString();
      const url = new URL(wharf.url);
      const signer = new SignatureV4({ credentials: rootCreds(wharf), region: 'us-east-1', service, sha256: Hash.bind(null, 'sha256') });
      const signed = await signer.sign(
        new HttpRequest({
          method: 'POST',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: '/',
          headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body,
        }),
      );
      const res = await registryRequest(root, 'POST', '/', { auth: false, headers: signed.headers, body });
      return { status: res.status, requestId: String(res.headers['x-amzn-requestid']), contentType: res.headers['content-type'], xml: res.body.toString('utf8') };
    }

    it('wraps results in <ActionResponse><ActionResult> with the request id', async () => {
      const res = await signedPost({ Action: 'GetUser', Version: '2010-05-08' });
      expect(res.status).toBe(200);
      expect(res.contentType).toMatch(/^text\/xml/);
      expect(res.xml).toBe(
        '<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult><User>' +
          `<UserId>${ACCOUNT}</UserId><Arn>arn:aws:iam::${ACCOUNT}:root</Arn></User></GetUserResult>` +
          `<ResponseMetadata><RequestId>${res.requestId}</RequestId></ResponseMetadata></GetUserResponse>`,
      );
    });

    it('answers errors in the ErrorResponse envelope, escaping what they echo', async () => {
      const unknown = await signedPost({ Action: 'CreateGroup', Version: '2010-05-08' });
      expect(unknown.status).toBe(400);
      expect(unknown.xml).toBe(
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>InvalidAction</Code>' +
          '<Message>Could not find operation CreateGroup for version 2010-05-08</Message></Error>' +
          `<RequestId>${unknown.requestId}</RequestId></ErrorResponse>`,
      );
      const wrongVersion = await signedPost({ Action: 'GetUser', Version: '2011-06-15' });
      expect(wrongVersion.xml).toContain('<Code>InvalidAction</Code>');

      const escaped = await signedPost({ Action: 'CreateUser', Version: '2010-05-08', UserName: '<a&"b\'>' });
      expect(escaped.status).toBe(400);
      expect(escaped.xml).toContain('<Code>ValidationError</Code>');
      expect(escaped.xml).toContain("Value '&lt;a&amp;&quot;b'&gt;' at 'userName'");

      const missing = await signedPost({ Action: 'DeleteUser', Version: '2010-05-08' });
      expect(missing.xml).toContain("Value null at 'userName' failed to satisfy constraint: Member must not be null");
    });

    it('serves STS on the same endpoint, chosen by the signature’s service', async () => {
      const res = await signedPost({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, 'sts');
      expect(res.xml).toBe(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          `<UserId>${ACCOUNT}</UserId><Account>${ACCOUNT}</Account><Arn>arn:aws:iam::${ACCOUNT}:root</Arn></GetCallerIdentityResult>` +
          `<ResponseMetadata><RequestId>${res.requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    });
  });
});
