import { describe, expect, it } from 'vitest';
import { parsePolicyDocument } from '../../src/policy/document.js';
import { evaluatePolicies, type AuthorizationPrincipal, type PolicyDecision } from '../../src/policy/evaluate.js';
import {
  ACCOUNT,
  ALICE,
  BOB,
  CAROL,
  DAVE,
  DEPLOYER_SESSION,
  OTHER_ACCOUNT,
  OTHER_REPO_ARN,
  OTHER_ROOT,
  REPO_ARN,
  ROOT,
  decide,
  identityPolicy,
  request,
  resourcePolicy,
  titled,
  trustPolicy,
} from './policy-fixtures.js';

const allowAllEcr = identityPolicy({ Sid: 'AllowEcr', Effect: 'Allow', Action: 'ecr:*', Resource: '*' });
const pull = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];

describe('explicit deny, allow, implicit deny (same account)', () => {
  it.each(titled<[string, Parameters<typeof decide>[1], PolicyDecision]>([
    ['no policies at all', {}, 'ImplicitDeny'],
    ['an identity Allow', { identity: [allowAllEcr] }, 'Allow'],
    [
      'an identity Allow for another action only',
      { identity: [identityPolicy({ Effect: 'Allow', Action: 'ecr:PutImage', Resource: '*' })] },
      'ImplicitDeny',
    ],
    [
      'identity Allow and identity Deny',
      { identity: [allowAllEcr, identityPolicy({ Effect: 'Deny', Action: 'ecr:BatchGetImage', Resource: REPO_ARN })] },
      'ExplicitDeny',
    ],
    [
      'identity Deny against a resource-policy Allow',
      {
        identity: [identityPolicy({ Effect: 'Deny', Action: 'ecr:*', Resource: '*' })],
        resource: [resourcePolicy({ Effect: 'Allow', Principal: { AWS: ALICE.arn }, Action: 'ecr:*' })],
      },
      'ExplicitDeny',
    ],
    [
      'resource-policy Deny against an identity Allow',
      { identity: [allowAllEcr], resource: [resourcePolicy({ Effect: 'Deny', Principal: { AWS: ALICE.arn }, Action: pull })] },
      'ExplicitDeny',
    ],
    [
      'a resource-policy Allow naming the user, no identity policy',
      { resource: [resourcePolicy({ Effect: 'Allow', Principal: { AWS: ALICE.arn }, Action: pull })] },
      'Allow',
    ],
    [
      'a resource-policy Allow naming another user of the account',
      { resource: [resourcePolicy({ Effect: 'Allow', Principal: { AWS: CAROL.arn }, Action: pull })] },
      'ImplicitDeny',
    ],
    [
      'a resource-policy Allow naming the account (ECR: grants every IAM user and role in it)',
      { resource: [resourcePolicy({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: pull })] },
      'Allow',
    ],
    [
      'a resource-policy Deny for someone else does not touch an identity Allow',
      { identity: [allowAllEcr], resource: [resourcePolicy({ Effect: 'Deny', Principal: { AWS: CAROL.arn }, Action: 'ecr:*' })] },
      'Allow',
    ],
    [
      'a Deny whose condition does not hold is not applicable',
      {
        identity: [
          allowAllEcr,
          identityPolicy({ Effect: 'Deny', Action: 'ecr:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ],
      },
      'Allow',
    ],
  ]))('%s', (_name, policies, expected) => {
    expect(decide(request({ context: { 'aws:SecureTransport': true } }), policies)).toBe(expected);
  });
});

describe('NotAction', () => {
  const denyAllButPull = identityPolicy(
    { Effect: 'Allow', Action: '*', Resource: '*' },
    { Sid: 'DenyAllButPull', Effect: 'Deny', NotAction: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: '*' },
  );
  const allowAllButDelete = identityPolicy({ Effect: 'Allow', NotAction: ['ecr:Delete*', 'ecr:BatchDeleteImage'], Resource: '*' });

  it.each<[string, string, PolicyDecision]>([
    ['Deny+NotAction leaves a listed action allowed', 'ecr:BatchGetImage', 'Allow'],
    ['Deny+NotAction denies an unlisted action', 'ecr:PutImage', 'ExplicitDeny'],
    ['Deny+NotAction denies other services too', 's3:GetObject', 'ExplicitDeny'],
  ])('%s (%s -> %s)', (_name, action, expected) => {
    expect(decide(request({ action }), { identity: [denyAllButPull] })).toBe(expected);
  });

  it.each<[string, PolicyDecision]>([
    ['ecr:PutImage', 'Allow'],
    ['ecr:DeleteRepository', 'ImplicitDeny'],
    ['ecr:BatchDeleteImage', 'ImplicitDeny'],
  ])('Allow+NotAction: %s -> %s', (action, expected) => {
    expect(decide(request({ action }), { identity: [allowAllButDelete] })).toBe(expected);
  });
});

describe('Action matching (case-insensitive, * and ? wildcards)', () => {
  it.each<[string, string, boolean]>([
    ['ecr:Batch*', 'ecr:BatchGetImage', true],
    ['ecr:Batch*', 'ecr:BatchCheckLayerAvailability', true],
    ['ecr:Batch*', 'ecr:PutImage', false],
    ['ecr:*', 'ecr:PutImage', true],
    ['*', 'ecr:PutImage', true],
    ['ECR:batchgetimage', 'ecr:BatchGetImage', true],
    ['ecr:batch*', 'ecr:BatchGetImage', true],
    ['ecr:Get*Policy', 'ecr:GetRepositoryPolicy', true],
    ['ecr:Get*Policy', 'ecr:GetLifecyclePolicyPreview', false],
    ['ecr:?utImage', 'ecr:PutImage', true],
    ['ecr:BatchGetImag', 'ecr:BatchGetImage', false],
    ['s3:*', 'ecr:PutImage', false],
    ['ecr-public:*', 'ecr:PutImage', false],
  ])('%s vs %s -> %s', (pattern, action, applies) => {
    const policy = identityPolicy({ Effect: 'Allow', Action: pattern, Resource: '*' });
    expect(decide(request({ action }), { identity: [policy] })).toBe(applies ? 'Allow' : 'ImplicitDeny');
  });
});

describe('Resource matching (case-sensitive, wildcards within ARN segments)', () => {
  const base = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository`;
  it.each<[string, string, boolean]>([
    [`${base}/team/*`, `${base}/team/app`, true],
    [`${base}/team/*`, `${base}/team/app/worker`, true],
    [`${base}/team/*`, `${base}/other/app`, false],
    [`${base}/team/app`, `${base}/team/app`, true],
    [`${base}/Team/app`, `${base}/team/app`, false],
    [`${base}/team/ap?`, `${base}/team/app`, true],
    [`${base}/team/ap?`, `${base}/team/apps`, false],
    [`arn:aws:ecr:*:${ACCOUNT}:repository/*`, `${base}/team/app`, true],
    [`arn:aws:ecr:us-east-1:*:repository/team/app`, `${base}/team/app`, true],
    [`arn:aws:ecr:us-*-1:${ACCOUNT}:repository/team/app`, `${base}/team/app`, true],
    [`arn:aws:ecr:us-*-1:${ACCOUNT}:repository/team/app`, `arn:aws:ecr:us-west-2:${ACCOUNT}:repository/team/app`, false],
    [`arn:aws:ecr:us-east-1:${ACCOUNT}:*`, `${base}/team/app`, true],
    [`arn:aws:ecr:us-east-1:${OTHER_ACCOUNT}:repository/*`, `${base}/team/app`, false],
    ['*', `${base}/team/app`, true],
    // a wildcard in the middle of a segment does not run across the colon that ends it
    [`arn:aws:l*1:${ACCOUNT}:log-group:app`, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app`, false],
    [`arn:aws:logs:*:${ACCOUNT}:log-group:app`, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app`, true],
  ])('%s vs %s -> %s', (pattern, resource, applies) => {
    const policy = identityPolicy({ Effect: 'Allow', Action: 'ecr:*', Resource: pattern });
    expect(decide(request({ resource }), { identity: [policy] })).toBe(applies ? 'Allow' : 'ImplicitDeny');
  });

  it('NotResource allows everything but the excluded repositories', () => {
    const policy = identityPolicy({ Effect: 'Allow', Action: 'ecr:*', NotResource: `${base}/secret/*` });
    expect(decide(request({ resource: `${base}/team/app` }), { identity: [policy] })).toBe('Allow');
    expect(decide(request({ resource: `${base}/secret/keys` }), { identity: [policy] })).toBe('ImplicitDeny');
  });

  it('a request for resource "*" (GetAuthorizationToken) matches only Resource "*"', () => {
    const req = request({ action: 'ecr:GetAuthorizationToken', resource: '*' });
    expect(decide(req, { identity: [identityPolicy({ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' })] })).toBe('Allow');
    expect(decide(req, { identity: [identityPolicy({ Effect: 'Allow', Action: 'ecr:*', Resource: REPO_ARN })] })).toBe('ImplicitDeny');
  });

  it('a resource policy without Resource applies to the repository it is attached to', () => {
    const policy = resourcePolicy({ Effect: 'Allow', Principal: { AWS: ALICE.arn }, Action: 'ecr:*' });
    expect(decide(request({ resource: `${base}/anything` }), { resource: [policy] })).toBe('Allow');
  });
});

describe('cross-account requests (identity AND resource policy must allow)', () => {
  const bobIdentity = identityPolicy({ Effect: 'Allow', Action: pull, Resource: `arn:aws:ecr:*:${ACCOUNT}:repository/*` });
  const daveIdentity = identityPolicy({ Effect: 'Allow', Action: 'ecr:*', Resource: '*' });
  const grantAccount = resourcePolicy({ Sid: 'AllowCrossAccountPull', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: pull });

  it.each(titled<[string, AuthorizationPrincipal, Parameters<typeof decide>[1], PolicyDecision]>([
    ['identity Allow without a resource policy', BOB, { identity: [bobIdentity] }, 'ImplicitDeny'],
    ['resource-policy Allow without an identity Allow', BOB, { resource: [grantAccount] }, 'ImplicitDeny'],
    ['both allow', BOB, { identity: [bobIdentity], resource: [grantAccount] }, 'Allow'],
    [
      'both allow, resource policy also denies the user',
      BOB,
      { identity: [bobIdentity], resource: [grantAccount, resourcePolicy({ Effect: 'Deny', Principal: { AWS: BOB.arn }, Action: 'ecr:*' })] },
      'ExplicitDeny',
    ],
    [
      'both allow, identity policy also denies',
      BOB,
      { identity: [bobIdentity, identityPolicy({ Effect: 'Deny', Action: 'ecr:BatchGetImage', Resource: '*' })], resource: [grantAccount] },
      'ExplicitDeny',
    ],
    ['account granted by ID: bob', BOB, { identity: [bobIdentity], resource: [resourcePolicy({ Effect: 'Allow', Principal: { AWS: OTHER_ACCOUNT }, Action: pull })] }, 'Allow'],
    ['account granted by root ARN: dave', DAVE, { identity: [daveIdentity], resource: [grantAccount] }, 'Allow'],
    ['specific user granted: bob', BOB, { identity: [bobIdentity], resource: [resourcePolicy({ Effect: 'Allow', Principal: { AWS: BOB.arn }, Action: pull })] }, 'Allow'],
    ['specific user granted: dave is not bob', DAVE, { identity: [daveIdentity], resource: [resourcePolicy({ Effect: 'Allow', Principal: { AWS: BOB.arn }, Action: pull })] }, 'ImplicitDeny'],
    ['Principal "*"', BOB, { identity: [bobIdentity], resource: [resourcePolicy({ Effect: 'Allow', Principal: '*', Action: pull })] }, 'Allow'],
    ['Principal {"AWS": "*"}', BOB, { identity: [bobIdentity], resource: [resourcePolicy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: pull })] }, 'Allow'],
    [
      'a service principal never names a user',
      BOB,
      { identity: [bobIdentity], resource: [resourcePolicy({ Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: pull })] },
      'ImplicitDeny',
    ],
    [
      'a third account is granted',
      BOB,
      { identity: [bobIdentity], resource: [resourcePolicy({ Effect: 'Allow', Principal: { AWS: '999988887777' }, Action: pull })] },
      'ImplicitDeny',
    ],
    ['granted action differs from the request', BOB, { identity: [bobIdentity], resource: [resourcePolicy({ Effect: 'Allow', Principal: { AWS: OTHER_ACCOUNT }, Action: 'ecr:PutImage' })] }, 'ImplicitDeny'],
  ]))('%s', (_name, principal, policies, expected) => {
    expect(decide(request({ principal }), policies)).toBe(expected);
  });

  it('the caller\'s own identity policy scoped to its own account does not reach another account', () => {
    const ownOnly = identityPolicy({ Effect: 'Allow', Action: 'ecr:*', Resource: 'arn:aws:ecr:*:${aws:PrincipalAccount}:repository/*' });
    const grantAlice = resourcePolicy({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'ecr:*' });
    expect(decide(request({ resource: OTHER_REPO_ARN, resourceAccountId: OTHER_ACCOUNT }), { identity: [ownOnly], resource: [grantAlice] })).toBe(
      'ImplicitDeny',
    );
    expect(decide(request(), { identity: [ownOnly] })).toBe('Allow');
  });
});

describe('account root', () => {
  it.each(titled<[string, AuthorizationPrincipal, Parameters<typeof decide>[1], PolicyDecision]>([
    ['own account, no policies', ROOT, {}, 'Allow'],
    ['own account, resource policy denies the account', ROOT, { resource: [resourcePolicy({ Effect: 'Deny', Principal: { AWS: ACCOUNT }, Action: 'ecr:*' })] }, 'ExplicitDeny'],
    ['own account, resource policy denies everyone', ROOT, { resource: [resourcePolicy({ Effect: 'Deny', Principal: '*', Action: 'ecr:BatchGetImage' })] }, 'ExplicitDeny'],
    ['own account, resource policy denies one user', ROOT, { resource: [resourcePolicy({ Effect: 'Deny', Principal: { AWS: ALICE.arn }, Action: 'ecr:*' })] }, 'Allow'],
    ['other account, no resource policy', OTHER_ROOT, {}, 'ImplicitDeny'],
    ['other account, resource policy grants its account', OTHER_ROOT, { resource: [resourcePolicy({ Effect: 'Allow', Principal: { AWS: OTHER_ACCOUNT }, Action: pull })] }, 'Allow'],
    ['other account, resource policy grants a user of its account', OTHER_ROOT, { resource: [resourcePolicy({ Effect: 'Allow', Principal: { AWS: BOB.arn }, Action: pull })] }, 'ImplicitDeny'],
  ]))('%s', (_name, principal, policies, expected) => {
    expect(decide(request({ principal }), policies)).toBe(expected);
  });
});

describe('roles and assumed-role sessions', () => {
  it.each(titled<[string, string | string[], PolicyDecision]>([
    ['role ARN', `arn:aws:iam::${ACCOUNT}:role/deployer`, 'Allow'],
    ['role ARN with a path', `arn:aws:iam::${ACCOUNT}:role/ci/deployer`, 'Allow'],
    ['role name differing only in case', `arn:aws:iam::${ACCOUNT}:role/Deployer`, 'Allow'],
    ['the exact session ARN', DEPLOYER_SESSION.arn, 'Allow'],
    ['another session of the role', `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/other-run`, 'ImplicitDeny'],
    ['another role', `arn:aws:iam::${ACCOUNT}:role/auditor`, 'ImplicitDeny'],
    ['the same role name in another account', `arn:aws:iam::${OTHER_ACCOUNT}:role/deployer`, 'ImplicitDeny'],
  ]))('resource policy naming %s', (_name, principal, expected) => {
    const policy = resourcePolicy({ Effect: 'Allow', Principal: { AWS: principal }, Action: 'ecr:*' });
    expect(decide(request({ principal: DEPLOYER_SESSION }), { resource: [policy] })).toBe(expected);
  });

  it('IAM user ARNs include the path', () => {
    const withPath = resourcePolicy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/dev/carol` }, Action: 'ecr:*' });
    const withoutPath = resourcePolicy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/carol` }, Action: 'ecr:*' });
    expect(decide(request({ principal: CAROL }), { resource: [withPath] })).toBe('Allow');
    expect(decide(request({ principal: CAROL }), { resource: [withoutPath] })).toBe('ImplicitDeny');
  });
});

describe('NotPrincipal with Deny (resource policies)', () => {
  const grantAccount = { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'ecr:*' };
  const denyAllBut = (...arns: string[]) => resourcePolicy(grantAccount, { Effect: 'Deny', NotPrincipal: { AWS: arns }, Action: 'ecr:*' });

  it.each(titled<[string, string[], AuthorizationPrincipal, PolicyDecision]>([
    ['listed user and account: the user is exempt', [ALICE.arn, `arn:aws:iam::${ACCOUNT}:root`], ALICE, 'Allow'],
    ['listed user and account: another user is denied', [ALICE.arn, `arn:aws:iam::${ACCOUNT}:root`], CAROL, 'ExplicitDeny'],
    ['listed user without the account: still denied (AWS also checks the account)', [ALICE.arn], ALICE, 'ExplicitDeny'],
    ['listed account only: the root is exempt', [`arn:aws:iam::${ACCOUNT}:root`], ROOT, 'Allow'],
    ['listed account only: its users are denied', [`arn:aws:iam::${ACCOUNT}:root`], ALICE, 'ExplicitDeny'],
    ['listed role and account: the role session is exempt', [`arn:aws:iam::${ACCOUNT}:role/deployer`, ACCOUNT], DEPLOYER_SESSION, 'Allow'],
    ['listed session and account but not the role: denied', [DEPLOYER_SESSION.arn, ACCOUNT], DEPLOYER_SESSION, 'ExplicitDeny'],
  ]))('%s', (_name, exempt, principal, expected) => {
    expect(decide(request({ principal }), { resource: [denyAllBut(...exempt)] })).toBe(expected);
  });
});

describe('role trust policies (AWS: the account principal delegates to identity policies)', () => {
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/deployer`;
  const assume = (principal: AuthorizationPrincipal) => request({ principal, action: 'sts:AssumeRole', resource: roleArn });
  const mayAssume = identityPolicy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn });
  const trustAccount = trustPolicy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' });
  const trustAlice = trustPolicy({ Effect: 'Allow', Principal: { AWS: ALICE.arn }, Action: 'sts:AssumeRole' });
  const trustOther = trustPolicy({ Effect: 'Allow', Principal: { AWS: OTHER_ACCOUNT }, Action: 'sts:AssumeRole' });

  it.each(titled<[string, AuthorizationPrincipal, Parameters<typeof decide>[1], PolicyDecision]>([
    ['trusts the account, no identity Allow', ALICE, { resource: [trustAccount] }, 'ImplicitDeny'],
    ['trusts the account, identity allows', ALICE, { identity: [mayAssume], resource: [trustAccount] }, 'Allow'],
    ['trusts the user directly', ALICE, { resource: [trustAlice] }, 'Allow'],
    ['trusts another account, cross-account user with identity Allow', BOB, { identity: [mayAssume], resource: [trustOther] }, 'Allow'],
    ['trusts another account, cross-account user without identity Allow', BOB, { resource: [trustOther] }, 'ImplicitDeny'],
  ]))('%s', (_name, principal, policies, expected) => {
    expect(decide(assume(principal), policies)).toBe(expected);
  });
});

describe('matchedStatements', () => {
  it('lists only the Deny statements on an explicit deny', () => {
    const result = evaluatePolicies(request(), {
      identity: [allowAllEcr],
      resource: [resourcePolicy({ Sid: 'NoPulls', Effect: 'Deny', Principal: '*', Action: 'ecr:BatchGetImage' })],
    });
    expect(result).toEqual({
      decision: 'ExplicitDeny',
      matchedStatements: [{ source: 'resource', sid: 'NoPulls', effect: 'Deny', policyIndex: 0, statementIndex: 0 }],
    });
  });

  it('lists every applicable Allow, identity first, with policy Id and indexes', () => {
    const withId = parsePolicyDocument(
      JSON.stringify({ Version: '2012-10-17', Id: 'repo-policy', Statement: [{ Effect: 'Allow', Principal: { AWS: ALICE.arn }, Action: pull }] }),
      'resource',
    );
    const result = evaluatePolicies(request(), { identity: [identityPolicy({ Effect: 'Allow', Action: 'ecr:PutImage', Resource: '*' }), allowAllEcr], resource: [withId] });
    expect(result.decision).toBe('Allow');
    expect(result.matchedStatements).toEqual([
      { source: 'identity', sid: 'AllowEcr', effect: 'Allow', policyIndex: 1, statementIndex: 0 },
      { source: 'resource', effect: 'Allow', policyIndex: 0, statementIndex: 0, policyId: 'repo-policy' },
    ]);
  });

  it('reports the Allow that did not suffice cross account', () => {
    const result = evaluatePolicies(request({ principal: BOB }), { identity: [allowAllEcr], resource: [] });
    expect(result.decision).toBe('ImplicitDeny');
    expect(result.matchedStatements).toEqual([{ source: 'identity', sid: 'AllowEcr', effect: 'Allow', policyIndex: 0, statementIndex: 0 }]);
  });

  it('is empty when nothing applies, and for the root allowed by its implicit permissions', () => {
    expect(evaluatePolicies(request(), { identity: [], resource: [] })).toEqual({ decision: 'ImplicitDeny', matchedStatements: [] });
    expect(evaluatePolicies(request({ principal: ROOT }), { identity: [], resource: [] })).toEqual({ decision: 'Allow', matchedStatements: [] });
  });
});

describe('policy variables in Resource', () => {
  const base = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository`;
  const perUser = (version: string, resource: string) =>
    parsePolicyDocument(JSON.stringify({ Version: version, Statement: [{ Effect: 'Allow', Action: 'ecr:*', Resource: resource }] }), 'identity');

  it.each(titled<[string, string, string, AuthorizationPrincipal, PolicyDecision]>([
    ['${aws:username} resolves to the user name', '2012-10-17', `${base}/\${aws:username}/*`, ALICE, 'Allow'],
    ['${aws:username} for a session (no user name) matches nothing', '2012-10-17', `${base}/\${aws:username}/*`, DEPLOYER_SESSION, 'ImplicitDeny'],
    ['a default value stands in for a missing key', '2012-10-17', `${base}/\${aws:username, 'team'}/*`, DEPLOYER_SESSION, 'Allow'],
    ['a variable key is case-insensitive', '2012-10-17', `${base}/\${AWS:UserName}/*`, ALICE, 'Allow'],
    ['2008-10-17 has no policy variables', '2008-10-17', `${base}/\${aws:username}/*`, ALICE, 'ImplicitDeny'],
  ]))('%s', (_name, version, resource, principal, expected) => {
    const target = principal === ALICE ? `${base}/alice/app` : `${base}/team/app`;
    expect(decide(request({ principal, resource: target }), { identity: [perUser(version, resource)] })).toBe(expected);
  });

  it('does not let one user reach another user\'s repositories', () => {
    const policy = perUser('2012-10-17', `${base}/\${aws:username}/*`);
    expect(decide(request({ resource: `${base}/bob/app` }), { identity: [policy] })).toBe('ImplicitDeny');
  });

  it('a 2008-10-17 policy reads ${...} literally', () => {
    const policy = perUser('2008-10-17', `${base}/\${aws:username}/*`);
    expect(decide(request({ resource: `${base}/\${aws:username}/app` }), { identity: [policy] })).toBe('Allow');
  });
});
