// Authentication and authorisation failures on both planes, against a real `wharf serve`:
// signatures, clocks, keys, login tokens, malformed and oversized requests, cross-account access.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLoginToken } from '../../src/auth/login-tokens.js';
import { rootPrincipal } from '../../src/auth/principal.js';
import { RegistryKey } from '../../src/crypto/registry-key.js';
import { startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { rawEcr } from './ecr-support.js';

let wharf: WharfProcess;
let registryKey: RegistryKey;

beforeAll(async () => {
  wharf = await startWharf();
  // The server generated its key in the data dir; tests use it to mint tokens as another node would.
  registryKey = new RegistryKey(Buffer.from((await readFile(join(wharf.dataDir, 'registry.key'), 'utf8')).trim(), 'base64'));
  expect((await rawEcr(wharf, 'CreateRepository', { repositoryName: 'auth/app' })).status).toBe(200);
});
afterAll(async () => {
  await wharf?.stop();
});

const catalog = (authorization: string) => fetch(`${wharf.url}/v2/auth/app/tags/list`, { headers: { authorization } });
const tokenAuth = (token: string) => `Basic ${Buffer.from(`AWS:${token}`).toString('base64')}`;

describe('control plane', () => {
  it('refuses a wrong secret (InvalidSignatureException) and an unknown key (UnrecognizedClientException)', async () => {
    const wrong = await rawEcr(wharf, 'DescribeRepositories', {}, { credentials: { accessKeyId: wharf.accessKeyId, secretAccessKey: 'not-the-secret-at-all' } });
    expect(wrong).toMatchObject({ status: 400, json: { __type: 'InvalidSignatureException' } });
    const unknown = await rawEcr(wharf, 'DescribeRepositories', {}, { credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'whatever-secret-value' } });
    expect(unknown).toMatchObject({ status: 400, json: { __type: 'UnrecognizedClientException' } });
  });

  it('refuses a signature from a clock 20 minutes off, as AWS does (15 minutes allowed)', async () => {
    const skewed = await rawEcr(wharf, 'DescribeRepositories', {}, { signingDate: new Date(Date.now() - 20 * 60_000) });
    expect(skewed.status).toBe(400);
    expect(skewed.json).toMatchObject({ __type: 'InvalidSignatureException', message: expect.stringContaining('Signature expired') });
    const slightly = await rawEcr(wharf, 'DescribeRepositories', {}, { signingDate: new Date(Date.now() - 5 * 60_000) });
    expect(slightly.status).toBe(200);
  });

  it('answers malformed JSON with SerializationException and an unknown action with UnknownOperationException', async () => {
    expect(await rawEcr(wharf, 'DescribeRepositories', undefined, { payload: '{"repositoryNames": [' })).toMatchObject({
      status: 400,
      json: { __type: 'SerializationException' },
    });
    expect(await rawEcr(wharf, 'LaunchRockets', {})).toMatchObject({ status: 400, json: { __type: 'UnknownOperationException' } });
  });

  it('refuses an oversized body without reading it into an action, and keeps serving', async () => {
    const huge = JSON.stringify({ repositoryName: 'auth/app', policyText: 'x'.repeat(2 * 1024 * 1024) });
    const response = await rawEcr(wharf, 'SetRepositoryPolicy', undefined, { payload: huge });
    expect(response.status).toBe(400);
    expect(response.json.__type).toBe('InvalidParameterException');
    expect((await rawEcr(wharf, 'DescribeRepositories', {})).status).toBe(200);
  });
});

describe('data plane login tokens', () => {
  it('accepts a valid token and refuses a tampered or expired one', async () => {
    const valid = issueLoginToken(registryKey, rootPrincipal('000000000000'), new Date(Date.now() + 60_000));
    expect((await catalog(tokenAuth(valid))).status).toBe(200);
    const tampered = `${valid.slice(0, -2)}${valid.endsWith('A') ? 'B' : 'A'}A`;
    const refused = await catalog(tokenAuth(tampered));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Basic realm="wharf"');
    const expired = issueLoginToken(registryKey, rootPrincipal('000000000000'), new Date(Date.now() - 1000));
    const late = await catalog(tokenAuth(expired));
    expect(late.status).toBe(401);
    expect(((await late.json()) as { errors: { message: string }[] }).errors[0]!.message).toContain('expired');
  });

  it('denies another account without a repository policy and allows it once the policy grants that account', async () => {
    const foreign = issueLoginToken(registryKey, rootPrincipal('111111111111'), new Date(Date.now() + 60_000));
    const denied = await catalog(tokenAuth(foreign));
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('DENIED');
    const policyText = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: ['ecr:ListImages'] }],
    });
    expect((await rawEcr(wharf, 'SetRepositoryPolicy', { repositoryName: 'auth/app', policyText })).status).toBe(200);
    expect((await catalog(tokenAuth(foreign))).status).toBe(200);
  });
});
