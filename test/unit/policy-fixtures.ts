import { RegistryError } from '../../src/errors/registry-error.js';
import { parsePolicyDocument, type PolicyDocument } from '../../src/policy/document.js';
import {
  evaluatePolicies,
  type AuthorizationContext,
  type AuthorizationPrincipal,
  type PolicyDecision,
} from '../../src/policy/evaluate.js';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const REPO_ARN = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/team/app`;
export const OTHER_REPO_ARN = `arn:aws:ecr:us-east-1:${OTHER_ACCOUNT}:repository/shared/base`;

export const ROOT: AuthorizationPrincipal = { arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, type: 'root' };
export const ALICE: AuthorizationPrincipal = {
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  accountId: ACCOUNT,
  type: 'user',
  username: 'alice',
  userId: 'AIDAALICE0000000000001',
};
export const CAROL: AuthorizationPrincipal = { arn: `arn:aws:iam::${ACCOUNT}:user/dev/carol`, accountId: ACCOUNT, type: 'user' };
export const DEPLOYER_SESSION: AuthorizationPrincipal = {
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci-run-42`,
  accountId: ACCOUNT,
  type: 'assumed-role',
};
export const BOB: AuthorizationPrincipal = { arn: `arn:aws:iam::${OTHER_ACCOUNT}:user/bob`, accountId: OTHER_ACCOUNT, type: 'user' };
export const DAVE: AuthorizationPrincipal = { arn: `arn:aws:iam::${OTHER_ACCOUNT}:user/dave`, accountId: OTHER_ACCOUNT, type: 'user' };
export const OTHER_ROOT: AuthorizationPrincipal = { arn: `arn:aws:iam::${OTHER_ACCOUNT}:root`, accountId: OTHER_ACCOUNT, type: 'root' };

export function request(overrides: Partial<AuthorizationContext> = {}): AuthorizationContext {
  return {
    principal: ALICE,
    action: 'ecr:BatchGetImage',
    resource: REPO_ARN,
    resourceAccountId: ACCOUNT,
    context: {},
    ...overrides,
  };
}

type Statement = Record<string, unknown>;

export function identityPolicy(...statements: Statement[]): PolicyDocument {
  return parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'identity');
}

export function resourcePolicy(...statements: Statement[]): PolicyDocument {
  return parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'resource');
}

export function trustPolicy(...statements: Statement[]): PolicyDocument {
  return parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'trust');
}

export function decide(
  req: AuthorizationContext,
  policies: { identity?: PolicyDocument[]; resource?: PolicyDocument[] },
): PolicyDecision {
  return evaluatePolicies(req, { identity: policies.identity ?? [], resource: policies.resource ?? [] }).decision;
}

/** An identity policy allowing the action on the resource (or everything), with an optional Condition. */
export function allowWith(condition: Record<string, unknown>, extra: Statement = {}): PolicyDocument {
  return identityPolicy({ Effect: 'Allow', Action: 'ecr:*', Resource: '*', Condition: condition, ...extra });
}

/** Table rows [name, ...inputs, expected] with the expectation appended to the name, for `it.each(...)('%s')`. */
export function titled<T extends [string, ...unknown[]]>(rows: T[]): T[] {
  return rows.map((row) => [`${row[0]} -> ${String(row[row.length - 1])}`, ...row.slice(1)] as T);
}

/** The RegistryError a call throws; fails when it returns or throws something else. */
export function errorOf(fn: () => unknown): RegistryError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RegistryError) return err;
    throw err;
  }
  throw new Error('expected a RegistryError, but the call returned');
}
