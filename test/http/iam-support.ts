// What the IAM and STS tests share: SDK clients for one server and credentials, users with keys,
// policy documents, and the failure a call ends in.
import { accessSync, constants } from 'node:fs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { run, type RunResult } from '../helpers/exec.js';
import type { WharfProcess } from '../helpers/start-wharf.js';

export const ACCOUNT = '000000000000';
export const READ_ONLY = 'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly';

export interface Creds {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

export function rootCreds(wharf: WharfProcess): Creds {
  return { accessKeyId: wharf.accessKeyId, secretAccessKey: wharf.secretAccessKey };
}

/** Client options for the server: no retries, so a refused call fails at once. */
function clientConfig(wharf: WharfProcess, credentials: Creds) {
  return { endpoint: wharf.url, region: 'us-east-1', credentials, maxAttempts: 1 };
}

export const iamClient = (wharf: WharfProcess, creds: Creds) => new IAMClient(clientConfig(wharf, creds));
export const stsClient = (wharf: WharfProcess, creds: Creds) => new STSClient(clientConfig(wharf, creds));
export const ecrClient = (wharf: WharfProcess, creds: Creds) => new ECRClient(clientConfig(wharf, creds));

/** An identity policy (Version 2012-10-17) with the given statements, as JSON text. */
export function policy(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Creates a user (through `iam`, as root) with optional inline policy and attached policies, and returns a new key of it. */
export async function userWithKey(iam: IAMClient, userName: string, grants: { inline?: string; attach?: readonly string[] } = {}): Promise<Creds> {
  await iam.send(new CreateUserCommand({ UserName: userName }));
  if (grants.inline) await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'grants', PolicyDocument: grants.inline }));
  for (const arn of grants.attach ?? []) await iam.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: arn }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}

export interface Failure {
  /** The SDK's error name: the error code (IAM, STS) or exception name (ECR). */
  readonly name: string;
  readonly status: number | undefined;
  readonly message: string;
}

/** The error a call fails with; a call that succeeds fails the test. */
export async function failure(call: Promise<unknown>): Promise<Failure> {
  try {
    await call;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The Debian package's AWS CLI (what .ci/run installs), else whatever `aws` is on PATH. */
export const AWS_CLI = (() => {
  try {
    accessSync('/usr/bin/aws', constants.X_OK);
    return '/usr/bin/aws';
  } catch {
    return 'aws';
  }
})();

/** Runs the AWS CLI against the server with `creds`; resolves with the exit code instead of throwing. */
export function awsCli(wharf: WharfProcess, creds: Creds, args: readonly string[]): Promise<RunResult> {
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  if (creds.sessionToken) env.AWS_SESSION_TOKEN = creds.sessionToken;
  return run(AWS_CLI, [...args, '--endpoint-url', wharf.url, '--region', 'us-east-1', '--output', 'json'], { env, allowFailure: true });
}
