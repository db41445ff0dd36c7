/**
 * IAM policy evaluation (pure): identity-based and resource-based policies against one request.
 *
 * AWS's documented logic:
 *  1. An explicit Deny in any applicable statement (identity or resource) wins.
 *  2. Same account: an Allow from the identity policies OR from a resource policy whose
 *     Principal names the caller suffices. Exception (AWS: "role trust policies and KMS key
 *     policies are exceptions"): a trust-policy Allow that names only the caller's account
 *     delegates to the account, so the identity policies must still allow.
 *  3. Cross account (principal.accountId !== resourceAccountId): the identity policies AND a
 *     resource policy must both allow.
 *  4. Otherwise: implicit deny.
 * The account root has full access in its own account, so it counts as allowed on the identity
 * side everywhere; it still obeys explicit denies and needs a resource-policy Allow cross account.
 */
import { conditionsHold } from './conditions.js';
import type { Effect, PolicyDocument, PolicyStatement } from './document.js';
import { globMatches, type VariableLookup } from './patterns.js';
import { matchPrincipal, notPrincipalApplies, principalIdentities, type PrincipalMatch } from './principals.js';
import { buildRequestContext, variableValue, type ContextEntry, type RequestContext } from './request-context.js';

export type { ContextEntry, ContextScalar } from './request-context.js';

export interface AuthorizationPrincipal {
  readonly arn: string;
  readonly accountId: string;
  readonly type: 'root' | 'user' | 'assumed-role';
  readonly username?: string;
  readonly userId?: string;
}

export interface AuthorizationContext {
  readonly principal: AuthorizationPrincipal;
  /** e.g. `ecr:BatchGetImage`. */
  readonly action: string;
  /** The resource ARN, e.g. `arn:aws:ecr:us-east-1:000000000000:repository/team/app`, or `*`. */
  readonly resource: string;
  readonly resourceAccountId: string;
  /**
   * Condition keys (names case-insensitive): aws:SourceIp, aws:CurrentTime, aws:SecureTransport,
   * aws:ResourceTag/<k>, ecr:ResourceTag/<k>, ... aws:PrincipalArn, aws:PrincipalAccount,
   * aws:PrincipalType, aws:userid, aws:username and aws:ResourceAccount are derived from the
   * principal and resource account when not supplied. An empty list counts as an absent key.
   */
  readonly context: Readonly<Record<string, ContextEntry>>;
}

export type PolicySource = 'identity' | 'resource';
export type PolicyDecision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface MatchedStatement {
  readonly source: PolicySource;
  readonly sid?: string;
  readonly effect: Effect;
  /** Index of the policy within its list (identity or resource) and of the statement within it. */
  readonly policyIndex: number;
  readonly statementIndex: number;
  readonly policyId?: string;
}

export interface PolicyEvaluation {
  readonly decision: PolicyDecision;
  /**
   * ExplicitDeny: the Deny statements that applied. Allow: the Allow statements that applied.
   * ImplicitDeny: the Allow statements that applied but did not suffice (e.g. cross account with
   * only one side allowing); empty when nothing applied. The root's implicit identity Allow is
   * not a statement and is never listed.
   */
  readonly matchedStatements: MatchedStatement[];
}

export interface PolicySet {
  readonly identity: readonly PolicyDocument[];
  readonly resource: readonly PolicyDocument[];
}

interface Hit extends MatchedStatement {
  /** A trust-policy Allow that named only the caller's account: it delegates rather than grants. */
  readonly delegatesToAccount: boolean;
}

interface Evaluation {
  readonly request: AuthorizationContext;
  readonly context: RequestContext;
  readonly variables: VariableLookup;
  readonly identities: ReturnType<typeof principalIdentities>;
}

export function evaluatePolicies(request: AuthorizationContext, policies: PolicySet): PolicyEvaluation {
  const evaluation = prepare(request);
  const identityHits = collectHits('identity', policies.identity, evaluation);
  const resourceHits = collectHits('resource', policies.resource, evaluation);

  const denies = [...identityHits, ...resourceHits].filter((hit) => hit.effect === 'Deny');
  if (denies.length > 0) return result('ExplicitDeny', denies);

  const identityAllows = identityHits.filter((hit) => hit.effect === 'Allow');
  const resourceAllows = resourceHits.filter((hit) => hit.effect === 'Allow');
  const identityAllowed = request.principal.type === 'root' || identityAllows.length > 0;
  const sameAccount = request.principal.accountId === request.resourceAccountId;
  const granting = sameAccount ? resourceAllows.filter((hit) => !hit.delegatesToAccount) : resourceAllows;
  const allowed = sameAccount ? identityAllowed || granting.length > 0 : identityAllowed && granting.length > 0;
  return result(allowed ? 'Allow' : 'ImplicitDeny', [...identityAllows, ...resourceAllows]);
}

function prepare(request: AuthorizationContext): Evaluation {
  const context = buildRequestContext(request.principal, request.resourceAccountId, request.context);
  return {
    request,
    context,
    variables: (key) => variableValue(context, key),
    identities: principalIdentities(request.principal),
  };
}

function result(decision: PolicyDecision, hits: readonly Hit[]): PolicyEvaluation {
  return { decision, matchedStatements: hits.map(({ delegatesToAccount: _ignored, ...matched }) => matched) };
}

function collectHits(source: PolicySource, documents: readonly PolicyDocument[], evaluation: Evaluation): Hit[] {
  const hits: Hit[] = [];
  documents.forEach((document, policyIndex) => {
    document.statements.forEach((statement, statementIndex) => {
      const principal = principalOutcome(statement, evaluation);
      if (principal === 'none' || !statementApplies(statement, document, evaluation)) return;
      hits.push({
        source,
        ...(statement.sid === undefined ? {} : { sid: statement.sid }),
        effect: statement.effect,
        policyIndex,
        statementIndex,
        ...(document.id === undefined ? {} : { policyId: document.id }),
        delegatesToAccount: document.kind === 'trust' && principal === 'account',
      });
    });
  });
  return hits;
}

/** 'direct' for statements without a Principal element (identity policies) and for NotPrincipal. */
function principalOutcome(statement: PolicyStatement, evaluation: Evaluation): PrincipalMatch {
  const { principal } = statement;
  if (principal === undefined) return 'direct';
  if (principal.negated) return notPrincipalApplies(principal.spec, evaluation.identities) ? 'direct' : 'none';
  return matchPrincipal(principal.spec, evaluation.identities);
}

function statementApplies(statement: PolicyStatement, document: PolicyDocument, evaluation: Evaluation): boolean {
  return (
    actionApplies(statement.action, evaluation.request.action) &&
    resourceApplies(statement.resource, document, evaluation) &&
    conditionsHold(statement.conditions, evaluation.context, document.version, evaluation.variables)
  );
}

/** Action names are case-insensitive; `*` and `?` are wildcards. */
function actionApplies(element: PolicyStatement['action'], action: string): boolean {
  const matches = element.patterns.some((pattern) =>
    globMatches(pattern, action, { variables: undefined, wildcards: true, ignoreCase: true, segmentAware: false }),
  );
  return matches !== element.negated;
}

/** Resource ARNs are case-sensitive, wildcards are per ARN segment, and 2012-10-17 policies may use variables. */
function resourceApplies(element: PolicyStatement['resource'], document: PolicyDocument, evaluation: Evaluation): boolean {
  if (element === undefined) return true;
  const variables = document.version === '2012-10-17' ? evaluation.variables : undefined;
  const matches = element.patterns.some((pattern) =>
    globMatches(pattern, evaluation.request.resource, { variables, wildcards: true, ignoreCase: false, segmentAware: true }),
  );
  return matches !== element.negated;
}
