import { describe, expect, it } from 'vitest';
import { parsePolicyDocument, type PolicyKind } from '../../src/policy/document.js';
import { ACCOUNT, errorOf } from './policy-fixtures.js';

const allowPull = { Effect: 'Allow', Action: 'ecr:BatchGetImage', Resource: '*' };
const grantPull = { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'ecr:BatchGetImage' };

function doc(statement: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statement, ...extra });
}

describe('parsePolicyDocument accepts the IAM grammar', () => {
  it('normalises a single-object Statement and string elements into lists', () => {
    const policy = parsePolicyDocument(doc({ Sid: 'Pull', ...allowPull }), 'identity');
    expect(policy).toEqual({
      kind: 'identity',
      version: '2012-10-17',
      statements: [
        {
          sid: 'Pull',
          effect: 'Allow',
          action: { negated: false, patterns: ['ecr:BatchGetImage'] },
          resource: { negated: false, patterns: ['*'] },
          conditions: [],
        },
      ],
    });
  });

  it('keeps Id, NotAction and NotResource', () => {
    const policy = parsePolicyDocument(
      doc([{ Effect: 'Deny', NotAction: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], NotResource: 'arn:aws:ecr:*:*:repository/public/*' }], { Id: 'guard' }),
      'identity',
    );
    expect(policy.id).toBe('guard');
    expect(policy.statements[0]?.action).toEqual({ negated: true, patterns: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] });
    expect(policy.statements[0]?.resource).toEqual({ negated: true, patterns: ['arn:aws:ecr:*:*:repository/public/*'] });
  });

  it('defaults a missing Version to 2008-10-17 and accepts 2008-10-17 explicitly', () => {
    expect(parsePolicyDocument(JSON.stringify({ Statement: allowPull }), 'identity').version).toBe('2008-10-17');
    expect(parsePolicyDocument(doc(allowPull, { Version: '2008-10-17' }), 'identity').version).toBe('2008-10-17');
  });

  it('accepts the public-repository policy ECR users write (2008-10-17, Principal "*", no Resource)', () => {
    const text = JSON.stringify({
      Version: '2008-10-17',
      Statement: [
        {
          Sid: 'Public',
          Effect: 'Allow',
          Principal: '*',
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:DescribeImages', 'ecr:DescribeRepositories', 'ecr:GetDownloadUrlForLayer', 'ecr:ListImages'],
        },
      ],
    });
    const policy = parsePolicyDocument(text, 'resource');
    expect(policy.statements[0]?.principal).toEqual({ negated: false, spec: '*' });
    expect(policy.statements[0]?.resource).toBeUndefined();
    expect(policy.statements[0]?.action.patterns).toHaveLength(6);
  });

  it('accepts a repository-policy Sid with spaces (as ECR examples use)', () => {
    expect(parsePolicyDocument(doc({ Sid: 'new policy', ...grantPull }), 'resource').statements[0]?.sid).toBe('new policy');
  });

  it.each([
    ['"*"', '*', '*'],
    ['{"AWS": "*"}', { AWS: '*' }, { AWS: ['*'] }],
    ['an account ID', { AWS: ACCOUNT }, { AWS: [ACCOUNT] }],
    ['an account root ARN', { AWS: `arn:aws:iam::${ACCOUNT}:root` }, { AWS: [`arn:aws:iam::${ACCOUNT}:root`] }],
    ['user and role ARNs', { AWS: [`arn:aws:iam::${ACCOUNT}:user/dev/alice`, `arn:aws:iam::${ACCOUNT}:role/deployer`] }, { AWS: [`arn:aws:iam::${ACCOUNT}:user/dev/alice`, `arn:aws:iam::${ACCOUNT}:role/deployer`] }],
    ['an assumed-role session ARN', { AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/run-1` }, { AWS: [`arn:aws:sts::${ACCOUNT}:assumed-role/deployer/run-1`] }],
    ['a service', { Service: 'codebuild.amazonaws.com' }, { Service: ['codebuild.amazonaws.com'] }],
    ['AWS and Service together', { AWS: ACCOUNT, Service: ['ecr.amazonaws.com'] }, { AWS: [ACCOUNT], Service: ['ecr.amazonaws.com'] }],
    ['a federated provider', { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/corp` }, { Federated: [`arn:aws:iam::${ACCOUNT}:saml-provider/corp`] }],
  ])('accepts Principal %s', (_name, principal, spec) => {
    const policy = parsePolicyDocument(doc({ ...grantPull, Principal: principal }), 'resource');
    expect(policy.statements[0]?.principal).toEqual({ negated: false, spec });
  });

  it('accepts NotPrincipal with Deny in a resource policy', () => {
    const policy = parsePolicyDocument(doc({ Effect: 'Deny', NotPrincipal: { AWS: ACCOUNT }, Action: 'ecr:*' }), 'resource');
    expect(policy.statements[0]?.principal).toEqual({ negated: true, spec: { AWS: [ACCOUNT] } });
  });

  it('parses condition operators, qualifiers, IfExists and stringifies values', () => {
    const policy = parsePolicyDocument(
      doc({
        ...allowPull,
        Condition: {
          'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': ['team*', 'env'] },
          numericlessthan: { 'aws:MultiFactorAuthAge': 3600 },
          Bool: { 'aws:SecureTransport': true },
        },
      }),
      'identity',
    );
    expect(policy.statements[0]?.conditions).toEqual([
      { operator: 'ForAnyValue:StringLikeIfExists', base: 'StringLike', qualifier: 'ForAnyValue', ifExists: true, key: 'aws:TagKeys', values: ['team*', 'env'] },
      { operator: 'numericlessthan', base: 'NumericLessThan', qualifier: undefined, ifExists: false, key: 'aws:MultiFactorAuthAge', values: ['3600'] },
      { operator: 'Bool', base: 'Bool', qualifier: undefined, ifExists: false, key: 'aws:SecureTransport', values: ['true'] },
    ]);
  });

  it('accepts a trust policy with a Principal and no Resource', () => {
    const policy = parsePolicyDocument(doc({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }), 'trust');
    expect(policy.kind).toBe('trust');
    expect(policy.statements[0]?.resource).toBeUndefined();
  });

  it('returns a frozen document', () => {
    const policy = parsePolicyDocument(doc(allowPull), 'identity');
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.statements[0]?.action.patterns)).toBe(true);
  });
});

describe('parsePolicyDocument rejects malformed documents with INVALID_PARAMETER', () => {
  const cases: [string, string, PolicyKind, string][] = [
    ['invalid JSON', '{"Version": "2012-10-17",', 'identity', 'not valid JSON'],
    ['a JSON array', '[]', 'identity', 'must be a JSON object'],
    ['a JSON string', '"policy"', 'identity', 'must be a JSON object'],
    ['a bad Version', doc(allowPull, { Version: '2020-01-01' }), 'identity', 'Invalid Version "2020-01-01"'],
    ['a numeric Version', doc(allowPull, { Version: 2012 }), 'identity', 'Invalid Version 2012'],
    ['an unknown top-level element', doc(allowPull, { Statements: [] }), 'identity', 'Unknown field Statements'],
    ['no Statement', JSON.stringify({ Version: '2012-10-17' }), 'identity', 'Missing required field Statement'],
    ['an empty Statement list', doc([]), 'identity', 'at least one statement'],
    ['a Statement that is a string', doc('Allow everything'), 'identity', 'Statement must be an object or an array'],
    ['a statement that is not an object', doc([allowPull, 'x']), 'identity', 'Statement[1] must be an object'],
    ['a non-string Id', doc(allowPull, { Id: 7 }), 'identity', 'Id must be a string'],
    ['missing Effect', doc({ Action: 'ecr:*', Resource: '*' }), 'identity', 'Missing required field Effect'],
    ['a lower-case Effect', doc({ ...allowPull, Effect: 'allow' }), 'identity', 'Invalid Effect "allow"'],
    ['an unknown statement element', doc({ ...allowPull, Actions: 'ecr:*' }), 'identity', 'Unknown field Actions'],
    ['a non-string Sid', doc({ ...allowPull, Sid: 1 }), 'identity', 'Sid must be a string'],
    ['duplicate Sids', doc([{ Sid: 'A', ...allowPull }, { Sid: 'A', ...allowPull }]), 'identity', 'must be unique: "A"'],
    ['Principal in an identity policy', doc({ ...allowPull, Principal: '*' }), 'identity', 'should not specify a principal'],
    ['NotPrincipal in an identity policy', doc({ ...allowPull, Effect: 'Deny', NotPrincipal: { AWS: ACCOUNT } }), 'identity', 'should not specify a principal'],
    ['no Principal in a resource policy', doc({ Effect: 'Allow', Action: 'ecr:*' }), 'resource', 'Missing required field Principal'],
    ['no Principal in a trust policy', doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }), 'trust', 'Missing required field Principal'],
    ['Principal and NotPrincipal together', doc({ ...grantPull, Effect: 'Deny', NotPrincipal: '*' }), 'resource', 'cannot both be present'],
    ['NotPrincipal with Allow', doc({ Effect: 'Allow', NotPrincipal: { AWS: ACCOUNT }, Action: 'ecr:*' }), 'resource', 'NotPrincipal must be used with "Effect": "Deny"'],
    ['NotPrincipal in a trust policy', doc({ Effect: 'Deny', NotPrincipal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }), 'trust', 'not supported in a role trust policy'],
    ['a principal that is a bare name', doc({ ...grantPull, Principal: { AWS: 'alice' } }), 'resource', 'Invalid principal in policy: "alice"'],
    ['a wildcard inside a principal ARN', doc({ ...grantPull, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/*` } }), 'resource', 'Invalid principal in policy'],
    ['a group as principal', doc({ ...grantPull, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:group/devs` } }), 'resource', 'Invalid principal in policy'],
    ['an unknown principal type', doc({ ...grantPull, Principal: { Bogus: 'x' } }), 'resource', 'Unknown principal type "Bogus"'],
    ['a Principal string other than "*"', doc({ ...grantPull, Principal: `arn:aws:iam::${ACCOUNT}:root` }), 'resource', 'must be "*" or an object'],
    ['an empty Principal object', doc({ ...grantPull, Principal: {} }), 'resource', 'must name at least one principal'],
    ['Action and NotAction together', doc({ ...allowPull, NotAction: 'ecr:PutImage' }), 'identity', 'Action and NotAction cannot both be present'],
    ['neither Action nor NotAction', doc({ Effect: 'Allow', Resource: '*' }), 'identity', 'Missing required field Action'],
    ['an empty Action list', doc({ ...allowPull, Action: [] }), 'identity', 'Action must not be empty'],
    ['an action without a vendor', doc({ ...allowPull, Action: 'BatchGetImage' }), 'identity', 'prefaced by a vendor'],
    ['a non-string action', doc({ ...allowPull, Action: ['ecr:BatchGetImage', 3] }), 'identity', 'must be a string or an array of strings'],
    ['no Resource in an identity policy', doc({ Effect: 'Allow', Action: 'ecr:*' }), 'identity', 'Missing required field Resource'],
    ['Resource and NotResource together', doc({ ...allowPull, NotResource: '*' }), 'identity', 'Resource and NotResource cannot both be present'],
    ['a Resource that is not an ARN', doc({ ...allowPull, Resource: 'repository/team/app' }), 'identity', 'must be in ARN format or "*"'],
    ['a Resource ARN with too few components', doc({ ...allowPull, Resource: 'arn:aws:ecr:*' }), 'identity', 'must be in ARN format or "*"'],
    ['Resource in a trust policy', doc({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole', Resource: '*' }), 'trust', 'Has prohibited field Resource'],
    ['a Condition that is not an object', doc({ ...allowPull, Condition: ['StringEquals'] }), 'identity', 'Condition must be an object'],
    ['a bad condition operator', doc({ ...allowPull, Condition: { StringEqualz: { 'aws:username': 'a' } } }), 'identity', 'Invalid Condition operator "StringEqualz"'],
    ['NullIfExists', doc({ ...allowPull, Condition: { NullIfExists: { 'aws:username': 'true' } } }), 'identity', 'Invalid Condition operator "NullIfExists"'],
    ['an unknown set qualifier', doc({ ...allowPull, Condition: { 'ForSomeValues:StringEquals': { 'aws:TagKeys': 'a' } } }), 'identity', 'Invalid Condition operator'],
    ['an operator block that is not an object', doc({ ...allowPull, Condition: { StringEquals: 'alice' } }), 'identity', 'must map condition keys to values'],
    ['a condition key without a vendor', doc({ ...allowPull, Condition: { IpAddress: { SourceIp: '10.0.0.0/8' } } }), 'identity', 'Condition key "SourceIp" must be prefaced by a vendor'],
    ['an object as a condition value', doc({ ...allowPull, Condition: { StringEquals: { 'aws:username': { name: 'a' } } } }), 'identity', 'condition values must be strings, numbers or booleans'],
    ['null as a condition value', doc({ ...allowPull, Condition: { StringEquals: { 'aws:username': null } } }), 'identity', 'condition values must be strings, numbers or booleans'],
  ];

  it.each(cases)('%s', (_name, text, kind, message) => {
    const error = errorOf(() => parsePolicyDocument(text, kind));
    expect(error.code).toBe('INVALID_PARAMETER');
    expect(error.message).toContain(message);
  });

  it('names the statement by index and Sid', () => {
    const error = errorOf(() => parsePolicyDocument(doc([allowPull, { Sid: 'Second', Action: 'ecr:*', Resource: '*' }]), 'identity'));
    expect(error.message).toBe('Statement[1] (Sid "Second"): Missing required field Effect');
  });
});
