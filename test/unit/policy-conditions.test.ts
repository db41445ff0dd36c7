import { describe, expect, it } from 'vitest';
import { parsePolicyDocument } from '../../src/policy/document.js';
import type { AuthorizationPrincipal, ContextEntry, PolicyDecision } from '../../src/policy/evaluate.js';
import { ACCOUNT, ALICE, DEPLOYER_SESSION, OTHER_ACCOUNT, allowWith, decide, identityPolicy, request, titled } from './policy-fixtures.js';

type Case = [name: string, condition: Record<string, unknown>, context: Record<string, ContextEntry>, expected: PolicyDecision];

/** Evaluates `Allow ecr:* on *` guarded by the condition, for Alice, with the given request context. */
function check(condition: Record<string, unknown>, context: Record<string, ContextEntry>, principal: AuthorizationPrincipal = ALICE): PolicyDecision {
  return decide(request({ principal, context }), { identity: [allowWith(condition)] });
}

function table(cases: Case[]): void {
  it.each(titled(cases))('%s', (_name, condition, context, expected) => {
    expect(check(condition, context)).toBe(expected);
  });
}

const TAG = 'ecr:ResourceTag/team';

describe('string operators', () => {
  table([
    ['StringEquals matches exactly', { StringEquals: { 'aws:username': 'alice' } }, {}, 'Allow'],
    ['StringEquals is case-sensitive', { StringEquals: { 'aws:username': 'Alice' } }, {}, 'ImplicitDeny'],
    ['StringEquals ORs the policy values', { StringEquals: { 'aws:username': ['bob', 'alice'] } }, {}, 'Allow'],
    ['StringNotEquals: none of the values', { StringNotEquals: { 'aws:username': ['bob', 'carol'] } }, {}, 'Allow'],
    ['StringNotEquals is NOR over the values', { StringNotEquals: { 'aws:username': ['bob', 'alice'] } }, {}, 'ImplicitDeny'],
    ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, {}, 'Allow'],
    ['StringNotEqualsIgnoreCase', { StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, {}, 'ImplicitDeny'],
    ['StringLike with *', { StringLike: { 'aws:username': 'ali*' } }, {}, 'Allow'],
    ['StringLike with ?', { StringLike: { 'aws:username': 'a?ice' } }, {}, 'Allow'],
    ['StringLike is case-sensitive', { StringLike: { 'aws:username': 'Ali*' } }, {}, 'ImplicitDeny'],
    ['StringLike is anchored', { StringLike: { 'aws:username': 'lic' } }, {}, 'ImplicitDeny'],
    ['StringNotLike: no pattern matches', { StringNotLike: { 'aws:username': ['bo*', 'c*'] } }, {}, 'Allow'],
    ['StringNotLike: a pattern matches', { StringNotLike: { 'aws:username': ['bo*', 'al*'] } }, {}, 'ImplicitDeny'],
    ['a tag value', { StringEquals: { [TAG]: 'payments' } }, { [TAG]: 'payments' }, 'Allow'],
    ['a different tag value', { StringEquals: { [TAG]: 'payments' } }, { [TAG]: 'search' }, 'ImplicitDeny'],
    ['context key names are case-insensitive', { StringEquals: { 'ECR:resourcetag/TEAM': 'payments' } }, { [TAG]: 'payments' }, 'Allow'],
    ['a number in the policy compares as its string', { StringEquals: { 'aws:PrincipalAccount': Number(ACCOUNT) } }, {}, 'Allow'],
  ]);
});

describe('missing keys: positive operators are false, negated ones true', () => {
  table([
    ['StringEquals', { StringEquals: { [TAG]: 'payments' } }, {}, 'ImplicitDeny'],
    ['StringLike', { StringLike: { [TAG]: '*' } }, {}, 'ImplicitDeny'],
    ['StringNotEquals', { StringNotEquals: { [TAG]: 'payments' } }, {}, 'Allow'],
    ['StringNotLike', { StringNotLike: { [TAG]: 'pay*' } }, {}, 'Allow'],
    ['StringNotEqualsIgnoreCase', { StringNotEqualsIgnoreCase: { [TAG]: 'payments' } }, {}, 'Allow'],
    ['NumericLessThan', { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }, {}, 'ImplicitDeny'],
    ['NumericNotEquals', { NumericNotEquals: { 'aws:MultiFactorAuthAge': '3600' } }, {}, 'Allow'],
    ['DateLessThan', { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, {}, 'ImplicitDeny'],
    ['DateNotEquals', { DateNotEquals: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, {}, 'Allow'],
    ['Bool', { Bool: { 'aws:SecureTransport': 'true' } }, {}, 'ImplicitDeny'],
    ['IpAddress', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, {}, 'ImplicitDeny'],
    ['NotIpAddress', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, {}, 'Allow'],
    ['ArnLike', { ArnLike: { 'aws:SourceArn': 'arn:aws:*:*:*:*' } }, {}, 'ImplicitDeny'],
    ['ArnNotLike', { ArnNotLike: { 'aws:SourceArn': 'arn:aws:*:*:*:*' } }, {}, 'Allow'],
    ['an empty list counts as missing', { StringLike: { 'aws:TagKeys': '*' } }, { 'aws:TagKeys': [] }, 'ImplicitDeny'],
  ]);
});

describe('...IfExists', () => {
  table([
    ['StringEqualsIfExists, key missing', { StringEqualsIfExists: { [TAG]: 'payments' } }, {}, 'Allow'],
    ['StringEqualsIfExists, key matching', { StringEqualsIfExists: { [TAG]: 'payments' } }, { [TAG]: 'payments' }, 'Allow'],
    ['StringEqualsIfExists, key not matching', { StringEqualsIfExists: { [TAG]: 'payments' } }, { [TAG]: 'search' }, 'ImplicitDeny'],
    ['StringNotEqualsIfExists, key matching', { StringNotEqualsIfExists: { [TAG]: 'payments' } }, { [TAG]: 'payments' }, 'ImplicitDeny'],
    ['NumericLessThanIfExists, key missing', { NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': '60' } }, {}, 'Allow'],
    ['NumericLessThanIfExists, key too large', { NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': '60' } }, { 'aws:MultiFactorAuthAge': 600 }, 'ImplicitDeny'],
    ['BoolIfExists, key missing', { BoolIfExists: { 'aws:SecureTransport': 'true' } }, {}, 'Allow'],
    ['IpAddressIfExists, key outside', { IpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '192.0.2.1' }, 'ImplicitDeny'],
    ['ArnLikeIfExists, key missing', { ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:ecr:*:*:repository/*' } }, {}, 'Allow'],
    ['DateGreaterThanIfExists, key missing', { DateGreaterThanIfExists: { 'aws:TokenIssueTime': '2024-01-01T00:00:00Z' } }, {}, 'Allow'],
    ['operator names are case-insensitive', { stringequalsifexists: { [TAG]: 'payments' } }, {}, 'Allow'],
  ]);
});

describe('numeric operators', () => {
  const age = { 'aws:MultiFactorAuthAge': 300 };
  table([
    ['NumericEquals', { NumericEquals: { 'aws:MultiFactorAuthAge': '300' } }, age, 'Allow'],
    ['NumericEquals compares values, not text', { NumericEquals: { 'aws:MultiFactorAuthAge': '300.0' } }, age, 'Allow'],
    ['NumericEquals, JSON number', { NumericEquals: { 'aws:MultiFactorAuthAge': 300 } }, age, 'Allow'],
    ['NumericNotEquals, equal', { NumericNotEquals: { 'aws:MultiFactorAuthAge': '300' } }, age, 'ImplicitDeny'],
    ['NumericNotEquals, none equal', { NumericNotEquals: { 'aws:MultiFactorAuthAge': ['1', '2'] } }, age, 'Allow'],
    ['NumericLessThan, below', { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }, age, 'Allow'],
    ['NumericLessThan, equal', { NumericLessThan: { 'aws:MultiFactorAuthAge': '300' } }, age, 'ImplicitDeny'],
    ['NumericLessThanEquals, equal', { NumericLessThanEquals: { 'aws:MultiFactorAuthAge': '300' } }, age, 'Allow'],
    ['NumericGreaterThan, above', { NumericGreaterThan: { 'aws:MultiFactorAuthAge': '299' } }, age, 'Allow'],
    ['NumericGreaterThan, equal', { NumericGreaterThan: { 'aws:MultiFactorAuthAge': '300' } }, age, 'ImplicitDeny'],
    ['NumericGreaterThanEquals, below', { NumericGreaterThanEquals: { 'aws:MultiFactorAuthAge': '301' } }, age, 'ImplicitDeny'],
    ['NumericGreaterThanEquals, equal', { NumericGreaterThanEquals: { 'aws:MultiFactorAuthAge': '300' } }, age, 'Allow'],
    ['a numeric string in the context', { NumericEquals: { 'aws:MultiFactorAuthAge': '300' } }, { 'aws:MultiFactorAuthAge': '300' }, 'Allow'],
    ['a non-numeric context value never compares', { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }, { 'aws:MultiFactorAuthAge': 'soon' }, 'ImplicitDeny'],
    ['a non-numeric policy value never compares', { NumericLessThan: { 'aws:MultiFactorAuthAge': 'lots' } }, age, 'ImplicitDeny'],
    ['negative and decimal numbers', { NumericGreaterThan: { 'ecr:score': '-1.5' } }, { 'ecr:score': -1.25 }, 'Allow'],
  ]);
});

describe('date operators', () => {
  const now = { 'aws:CurrentTime': new Date('2024-06-01T12:00:00Z') };
  table([
    ['DateEquals, same instant', { DateEquals: { 'aws:CurrentTime': '2024-06-01T12:00:00Z' } }, now, 'Allow'],
    ['DateEquals, same instant in another offset', { DateEquals: { 'aws:CurrentTime': '2024-06-01T14:00:00+02:00' } }, now, 'Allow'],
    ['DateNotEquals, same instant', { DateNotEquals: { 'aws:CurrentTime': '2024-06-01T12:00:00Z' } }, now, 'ImplicitDeny'],
    ['DateLessThan, before a later date', { DateLessThan: { 'aws:CurrentTime': '2025-01-01T00:00:00Z' } }, now, 'Allow'],
    ['DateLessThan, after an earlier date', { DateLessThan: { 'aws:CurrentTime': '2024-01-01' } }, now, 'ImplicitDeny'],
    ['DateLessThanEquals, same instant', { DateLessThanEquals: { 'aws:CurrentTime': '2024-06-01T12:00:00Z' } }, now, 'Allow'],
    ['DateGreaterThan, after an earlier date', { DateGreaterThan: { 'aws:CurrentTime': '2024-01-01T00:00:00Z' } }, now, 'Allow'],
    ['DateGreaterThan, same instant', { DateGreaterThan: { 'aws:CurrentTime': '2024-06-01T12:00:00Z' } }, now, 'ImplicitDeny'],
    ['DateGreaterThanEquals, same instant', { DateGreaterThanEquals: { 'aws:CurrentTime': '2024-06-01T12:00:00Z' } }, now, 'Allow'],
    ['epoch seconds in the policy', { DateGreaterThan: { 'aws:CurrentTime': '1700000000' } }, now, 'Allow'],
    ['epoch seconds in the context', { DateEquals: { 'aws:EpochTime': '2024-06-01T12:00:00Z' } }, { 'aws:EpochTime': 1717243200 }, 'Allow'],
    ['an ISO string in the context', { DateLessThan: { 'aws:CurrentTime': '2024-06-02' } }, { 'aws:CurrentTime': '2024-06-01T23:59:59Z' }, 'Allow'],
    ['a window: after start AND before end', { DateGreaterThan: { 'aws:CurrentTime': '2024-05-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2024-07-01T00:00:00Z' } }, now, 'Allow'],
    ['a window that has closed', { DateGreaterThan: { 'aws:CurrentTime': '2024-05-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2024-05-31T00:00:00Z' } }, now, 'ImplicitDeny'],
    ['an unparseable date never compares', { DateLessThan: { 'aws:CurrentTime': 'tomorrow' } }, now, 'ImplicitDeny'],
  ]);
});

describe('Bool', () => {
  table([
    ['true matches true', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': true }, 'Allow'],
    ['true does not match false', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': false }, 'ImplicitDeny'],
    ['a JSON boolean in the policy', { Bool: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': true }, 'Allow'],
    ['a string "true" in the context', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': 'true' }, 'Allow'],
    ['case-insensitive', { Bool: { 'aws:SecureTransport': 'TRUE' } }, { 'aws:SecureTransport': true }, 'Allow'],
    ['false matches false', { Bool: { 'aws:MultiFactorAuthPresent': 'false' } }, { 'aws:MultiFactorAuthPresent': false }, 'Allow'],
    ['a non-boolean context value matches neither', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': 'yes' }, 'ImplicitDeny'],
  ]);

  it('the documented "deny plain HTTP" statement denies insecure requests only', () => {
    const policies = {
      identity: [
        identityPolicy(
          { Effect: 'Allow', Action: 'ecr:*', Resource: '*' },
          { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        ),
      ],
    };
    expect(decide(request({ context: { 'aws:SecureTransport': false } }), policies)).toBe('ExplicitDeny');
    expect(decide(request({ context: { 'aws:SecureTransport': true } }), policies)).toBe('Allow');
  });
});

describe('Null', () => {
  table([
    ['"true": key absent', { Null: { [TAG]: 'true' } }, {}, 'Allow'],
    ['"true": key present', { Null: { [TAG]: 'true' } }, { [TAG]: 'payments' }, 'ImplicitDeny'],
    ['"false": key present', { Null: { [TAG]: 'false' } }, { [TAG]: 'payments' }, 'Allow'],
    ['"false": key absent', { Null: { [TAG]: 'false' } }, {}, 'ImplicitDeny'],
    ['JSON boolean true', { Null: { [TAG]: true } }, {}, 'Allow'],
    ['an empty list is absent', { Null: { 'aws:TagKeys': 'true' } }, { 'aws:TagKeys': [] }, 'Allow'],
    ['a derived key (aws:username) is present for users', { Null: { 'aws:username': 'false' } }, {}, 'Allow'],
  ]);

  it('aws:username is absent for an assumed-role session', () => {
    expect(check({ Null: { 'aws:username': 'true' } }, {}, DEPLOYER_SESSION)).toBe('Allow');
  });
});

describe('IpAddress / NotIpAddress', () => {
  const from = (ip: string) => ({ 'aws:SourceIp': ip });
  table([
    ['IPv4 inside a /24', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, from('203.0.113.17'), 'Allow'],
    ['IPv4 outside a /24', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, from('203.0.114.1'), 'ImplicitDeny'],
    ['IPv4 at the top of the block', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, from('203.0.113.255'), 'Allow'],
    ['a bare address is a /32', { IpAddress: { 'aws:SourceIp': '203.0.113.17' } }, from('203.0.113.17'), 'Allow'],
    ['a bare address is not its neighbour', { IpAddress: { 'aws:SourceIp': '203.0.113.17' } }, from('203.0.113.18'), 'ImplicitDeny'],
    ['blocks are ORed', { IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24'] } }, from('192.0.2.9'), 'Allow'],
    ['/0 covers every IPv4 address', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, from('198.51.100.7'), 'Allow'],
    ['an odd prefix length', { IpAddress: { 'aws:SourceIp': '10.0.0.0/13' } }, from('10.7.255.255'), 'Allow'],
    ['just past an odd prefix length', { IpAddress: { 'aws:SourceIp': '10.0.0.0/13' } }, from('10.8.0.0'), 'ImplicitDeny'],
    ['NotIpAddress, outside', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, from('192.0.2.1'), 'Allow'],
    ['NotIpAddress, inside', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, from('10.1.2.3'), 'ImplicitDeny'],
    ['NotIpAddress is NOR over the blocks', { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '10.0.0.0/8'] } }, from('10.1.2.3'), 'ImplicitDeny'],
    ['IPv6 inside a /32', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, from('2001:db8:1234::1'), 'Allow'],
    ['IPv6 outside a /32', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, from('2001:db9::1'), 'ImplicitDeny'],
    ['IPv6 in full form', { IpAddress: { 'aws:SourceIp': '2001:db8::/64' } }, from('2001:0db8:0000:0000:0000:0000:0000:0001'), 'Allow'],
    ['IPv6 upper case', { IpAddress: { 'aws:SourceIp': '2001:DB8::/64' } }, from('2001:db8::abcd'), 'Allow'],
    ['IPv6 /128', { IpAddress: { 'aws:SourceIp': '::1/128' } }, from('::1'), 'Allow'],
    ['IPv6 ::/0', { IpAddress: { 'aws:SourceIp': '::/0' } }, from('fe80::1'), 'Allow'],
    ['IPv6 with an embedded IPv4 tail', { IpAddress: { 'aws:SourceIp': '64:ff9b::/96' } }, from('64:ff9b::192.0.2.33'), 'Allow'],
    ['NotIpAddress with IPv6', { NotIpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, from('2001:db8::1'), 'ImplicitDeny'],
    ['an IPv4 address is never inside an IPv6 block', { IpAddress: { 'aws:SourceIp': '::/0' } }, from('192.0.2.1'), 'ImplicitDeny'],
    ['an IPv4-mapped IPv6 client counts as IPv4', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, from('::ffff:203.0.113.17'), 'Allow'],
    ['an unparseable source address matches nothing', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, from('not-an-ip'), 'ImplicitDeny'],
    ['a leading-zero octet is not read as an address', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, from('010.0.0.1'), 'ImplicitDeny'],
    ['an invalid block matches nothing', { IpAddress: { 'aws:SourceIp': '203.0.113.0/33' } }, from('203.0.113.1'), 'ImplicitDeny'],
  ]);

  it('the documented "deny outside these ranges" statement', () => {
    const policies = {
      identity: [
        identityPolicy(
          { Effect: 'Allow', Action: 'ecr:*', Resource: '*' },
          { Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24'] } } },
        ),
      ],
    };
    expect(decide(request({ context: { 'aws:SourceIp': '198.51.100.1' } }), policies)).toBe('ExplicitDeny');
    expect(decide(request({ context: { 'aws:SourceIp': '203.0.113.5' } }), policies)).toBe('Allow');
  });
});

describe('ARN operators (each of the six components compared separately)', () => {
  const aliceArn = ALICE.arn;
  table([
    ['ArnEquals, exact', { ArnEquals: { 'aws:PrincipalArn': aliceArn } }, {}, 'Allow'],
    ['ArnEquals accepts wildcards too', { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/alice' } }, {}, 'Allow'],
    ['ArnLike, user wildcard', { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/*` } }, {}, 'Allow'],
    ['ArnLike, whole resource component', { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:*` } }, {}, 'Allow'],
    ['ArnLike, ? wildcard', { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/alic?` } }, {}, 'Allow'],
    ['ArnLike, wrong account', { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${OTHER_ACCOUNT}:user/*` } }, {}, 'ImplicitDeny'],
    ['ArnLike is case-sensitive', { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/Alice` } }, {}, 'ImplicitDeny'],
    ['ArnLike, an empty region component matched by *', { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam:*:${ACCOUNT}:user/alice` } }, {}, 'Allow'],
    ['ArnLike, a wildcard does not span components', { ArnLike: { 'aws:PrincipalArn': `arn:aws:*:${ACCOUNT}:user/alice` } }, {}, 'ImplicitDeny'],
    ['ArnLike, "*" matches any value', { ArnLike: { 'aws:PrincipalArn': '*' } }, {}, 'Allow'],
    ['ArnLike against a value that is not an ARN', { ArnLike: { 'aws:SourceArn': 'arn:aws:ecr:*:*:repository/*' } }, { 'aws:SourceArn': 'repository/x' }, 'ImplicitDeny'],
    ['ArnNotLike, not a role', { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/*` } }, {}, 'Allow'],
    ['ArnNotLike, a user', { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/*` } }, {}, 'ImplicitDeny'],
    ['ArnNotEquals, another ARN', { ArnNotEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/bob` } }, {}, 'Allow'],
    ['ArnNotEquals, the same ARN', { ArnNotEquals: { 'aws:PrincipalArn': aliceArn } }, {}, 'ImplicitDeny'],
    [
      'ArnLike on a source ARN with colons in the resource part',
      { ArnLike: { 'aws:SourceArn': `arn:aws:logs:*:${ACCOUNT}:log-group:*` } },
      { 'aws:SourceArn': `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app:stream` },
      'Allow',
    ],
  ]);

  it('aws:PrincipalArn of an assumed-role session is its role ARN', () => {
    expect(check({ ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/deployer` } }, {}, DEPLOYER_SESSION)).toBe('Allow');
    expect(check({ ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/*` } }, {}, DEPLOYER_SESSION)).toBe('ImplicitDeny');
  });
});

describe('BinaryEquals', () => {
  table([
    ['equal base64 values', { BinaryEquals: { 'ecr:blob': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }, { 'ecr:blob': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' }, 'Allow'],
    ['different base64 values', { BinaryEquals: { 'ecr:blob': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }, { 'ecr:blob': 'b3RoZXI=' }, 'ImplicitDeny'],
  ]);
});

describe('ForAnyValue / ForAllValues on multivalued keys', () => {
  const keys = (...values: string[]) => ({ 'aws:TagKeys': values });
  table([
    ['ForAllValues: every request value listed', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } }, keys('team'), 'Allow'],
    ['ForAllValues: one request value not listed', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } }, keys('team', 'owner'), 'ImplicitDeny'],
    ['ForAllValues: key missing holds', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } }, {}, 'Allow'],
    ['ForAllValues: empty list holds', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } }, keys(), 'Allow'],
    ['ForAnyValue: one request value listed', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team', 'env'] } }, keys('owner', 'team'), 'Allow'],
    ['ForAnyValue: no request value listed', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team', 'env'] } }, keys('owner'), 'ImplicitDeny'],
    ['ForAnyValue: key missing fails', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team', 'env'] } }, {}, 'ImplicitDeny'],
    ['ForAnyValue:StringLike', { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'cost-*' } }, keys('owner', 'cost-center'), 'Allow'],
    ['ForAllValues:StringLike', { 'ForAllValues:StringLike': { 'aws:TagKeys': 'cost-*' } }, keys('owner', 'cost-center'), 'ImplicitDeny'],
    ['ForAnyValue:StringNotEquals: some value unlisted', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': 'team' } }, keys('team', 'env'), 'Allow'],
    ['ForAnyValue:StringNotEquals: all values listed', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': 'team' } }, keys('team'), 'ImplicitDeny'],
    ['ForAllValues:StringNotLike: no value matches', { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } }, keys('key2:audit'), 'Allow'],
    ['ForAllValues:StringNotLike: a value matches', { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } }, keys('key1:legal'), 'ImplicitDeny'],
    ['ForAllValues:StringNotLike: key missing holds', { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } }, {}, 'Allow'],
    ['ForAnyValue:StringEqualsIfExists: key missing holds', { 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': 'team' } }, {}, 'Allow'],
    ['ForAllValues:StringLikeIfExists: key missing holds', { 'ForAllValues:StringLikeIfExists': { 'aws:TagKeys': 'team' } }, {}, 'Allow'],
    ['ForAnyValue:IpAddress', { 'ForAnyValue:IpAddress': { 'aws:SourceIpList': '10.0.0.0/8' } }, { 'aws:SourceIpList': ['192.0.2.1', '10.0.0.7'] }, 'Allow'],
    ['no qualifier, positive: any request value matches', { StringEquals: { 'aws:TagKeys': 'team' } }, keys('owner', 'team'), 'Allow'],
    ['no qualifier, negated: no request value may match', { StringNotEquals: { 'aws:TagKeys': 'team' } }, keys('owner', 'team'), 'ImplicitDeny'],
  ]);

  it('the documented ForAllValues:StringNotLike Deny denies only requests without key1 tags', () => {
    const policies = {
      identity: [
        identityPolicy(
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Sid: 'DenyRestrictedTags', Effect: 'Deny', Action: ['iam:Tag*', 'iam:UnTag*'], Resource: ['*'], Condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } } },
        ),
      ],
    };
    const tag = (...values: string[]) => decide(request({ action: 'iam:TagUser', resource: '*', context: { 'aws:TagKeys': values } }), policies);
    expect(tag('key1:legal')).toBe('Allow');
    expect(tag('key1:hr', 'key1:personnel')).toBe('Allow');
    expect(tag('key2:audit')).toBe('ExplicitDeny');
    expect(decide(request({ action: 'iam:TagUser', resource: '*' }), policies)).toBe('ExplicitDeny');
  });
});

describe('several operators and keys are ANDed', () => {
  const both = { StringEquals: { 'aws:username': 'alice' }, Bool: { 'aws:SecureTransport': 'true' } };
  const twoKeys = { StringEquals: { 'aws:username': 'alice', 'aws:PrincipalType': 'User' } };
  table([
    ['both operators hold', both, { 'aws:SecureTransport': true }, 'Allow'],
    ['one operator fails', both, { 'aws:SecureTransport': false }, 'ImplicitDeny'],
    ['both keys hold', twoKeys, {}, 'Allow'],
    ['one key fails', { StringEquals: { 'aws:username': 'alice', 'aws:PrincipalType': 'AssumedRole' } }, {}, 'ImplicitDeny'],
    ['an empty Condition holds', {}, {}, 'Allow'],
  ]);
});

describe('policy variables in condition values', () => {
  const owner = 'ecr:ResourceTag/owner';
  table([
    ['${aws:username} equals the tag', { StringEquals: { [owner]: '${aws:username}' } }, { [owner]: 'alice' }, 'Allow'],
    ['${aws:username} differs from the tag', { StringEquals: { [owner]: '${aws:username}' } }, { [owner]: 'bob' }, 'ImplicitDeny'],
    ['inside a StringLike pattern', { StringLike: { [owner]: 'team-${aws:username}-*' } }, { [owner]: 'team-alice-admins' }, 'Allow'],
    ['aws:ResourceAccount equals ${aws:PrincipalAccount}', { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } }, {}, 'Allow'],
    ['inside an ARN pattern', { ArnLike: { 'aws:SourceArn': 'arn:aws:ecr:*:${aws:PrincipalAccount}:repository/*' } }, { 'aws:SourceArn': `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/x` }, 'Allow'],
    ['a substituted * is literal text', { StringLike: { 'ecr:name': 'prefix-${ecr:ResourceTag/pattern}' } }, { 'ecr:name': 'prefix-abc', 'ecr:ResourceTag/pattern': 'a*' }, 'ImplicitDeny'],
    ['a substituted * matches itself', { StringLike: { 'ecr:name': 'prefix-${ecr:ResourceTag/pattern}' } }, { 'ecr:name': 'prefix-a*', 'ecr:ResourceTag/pattern': 'a*' }, 'Allow'],
    ['${*} is a literal asterisk', { StringLike: { 'ecr:name': 'a${*}b' } }, { 'ecr:name': 'a*b' }, 'Allow'],
    ['${*} is not a wildcard', { StringLike: { 'ecr:name': 'a${*}b' } }, { 'ecr:name': 'axxb' }, 'ImplicitDeny'],
    ['${?} and ${$} are literal', { StringEquals: { 'ecr:name': 'why${?}${$}' } }, { 'ecr:name': 'why?$' }, 'Allow'],
    ['a default value', { StringEquals: { [owner]: "${ecr:ResourceTag/missing, 'nobody'}" } }, { [owner]: 'nobody' }, 'Allow'],
    ['a default value with a quote', { StringEquals: { [owner]: "${ecr:ResourceTag/missing, 'o''brien'}" } }, { [owner]: "o'brien" }, 'Allow'],
    ['a multivalued key is not a variable', { StringEquals: { [owner]: '${aws:TagKeys}' } }, { [owner]: 'a', 'aws:TagKeys': ['a', 'b'] }, 'ImplicitDeny'],
    ['numeric operators take no variables', { NumericEquals: { 'ecr:count': '${ecr:limit}' } }, { 'ecr:count': 5, 'ecr:limit': 5 }, 'ImplicitDeny'],
  ]);

  it('a variable with no value: positive operators fail, negated ones hold', () => {
    const tagged = { [owner]: 'ops' };
    expect(check({ StringEquals: { [owner]: '${aws:username}' } }, tagged, DEPLOYER_SESSION)).toBe('ImplicitDeny');
    expect(check({ StringNotEquals: { [owner]: '${aws:username}' } }, tagged, DEPLOYER_SESSION)).toBe('Allow');
  });

  it('a 2008-10-17 policy compares ${...} literally', () => {
    const legacy = parsePolicyDocument(
      JSON.stringify({ Version: '2008-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:*', Resource: '*', Condition: { StringEquals: { [owner]: '${aws:username}' } } }] }),
      'identity',
    );
    expect(decide(request({ context: { [owner]: 'alice' } }), { identity: [legacy] })).toBe('ImplicitDeny');
    expect(decide(request({ context: { [owner]: '${aws:username}' } }), { identity: [legacy] })).toBe('Allow');
  });
});
