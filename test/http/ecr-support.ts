// Shared by the test/http/ecr-*.test.ts files: an SDK client and a raw signed caller for a
// running Wharf, the AWS CLI, and error capture.
import { spawn } from 'node:child_process';
import { ECRClient } from '@aws-sdk/client-ecr';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { WharfProcess } from '../helpers/start-wharf.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';

export function ecrClient(wharf: WharfProcess, credentials?: { accessKeyId: string; secretAccessKey: string }): ECRClient {
  return new ECRClient({
    endpoint: wharf.url,
    region: REGION,
    credentials: credentials ?? { accessKeyId: wharf.accessKeyId, secretAccessKey: wharf.secretAccessKey },
    maxAttempts: 1,
  });
}

export function repositoryArn(name: string): string {
  return `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`;
}

/** The rejection of `promise` as the SDK raises it: `name` is the ECR exception's name. */
export async function sdkError(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return { name: (err as Error).name, message: (err as Error).message };
  }
  throw new Error('expected the call to fail');
}

export interface RawResponse {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

export interface RawEcrOptions {
  /** The exact body to send instead of JSON.stringify(body) (malformed input). */
  readonly payload?: string;
  /** Signs as of this time (clock-skew checks). */
  readonly signingDate?: Date;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** One SigV4-signed AWS JSON 1.1 call, for asserting the exact wire form (epoch seconds, absent members). */
export async function rawEcr(wharf: WharfProcess, action: string, body: unknown, options: RawEcrOptions = {}): Promise<RawResponse> {
  const url = new URL(wharf.url);
  const signer = new SignatureV4({
    service: 'ecr',
    region: REGION,
    credentials: options.credentials ?? { accessKeyId: wharf.accessKeyId, secretAccessKey: wharf.secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
  });
  const payload = options.payload ?? JSON.stringify(body);
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonEC2ContainerRegistry_V20150921.${action}`,
    },
    body: payload,
  }, options.signingDate ? { signingDate: options.signingDate } : undefined);
  const res = await fetch(`${wharf.url}/`, { method: 'POST', headers: signed.headers as Record<string, string>, body: payload });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

/** Debian's AWS CLI v2 against the server, with nothing from the developer's own AWS setup. */
export function awsCli(wharf: WharfProcess, args: readonly string[]): Promise<CliResult> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    AWS_ACCESS_KEY_ID: wharf.accessKeyId,
    AWS_SECRET_ACCESS_KEY: wharf.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/aws', [...args, '--endpoint-url', wharf.url, '--region', REGION, '--output', 'json'], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr, json: parseJsonOutput(stdout) }));
  });
}

/** The CLI's JSON output; commands that print plain text (get-login-password) give {}. */
function parseJsonOutput(stdout: string): Record<string, unknown> {
  try {
    return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
