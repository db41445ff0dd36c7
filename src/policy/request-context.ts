import { roleArnOfSession, type RequestPrincipal } from './principals.js';

/** A single context value as the caller supplies it. */
export type ContextScalar = string | boolean | number | Date;
/** A context entry: one value, or a multivalued key such as `aws:TagKeys`. */
export type ContextEntry = ContextScalar | readonly string[];

export interface ContextPrincipal extends RequestPrincipal {
  readonly username?: string | undefined;
  readonly userId?: string | undefined;
}

/**
 * The request context keyed by lower-cased key name (AWS: context key names are not case
 * sensitive). A key is present only with at least one value: an empty list counts as absent.
 */
export type RequestContext = ReadonlyMap<string, readonly ContextScalar[]>;

/**
 * Builds the context from the caller's entries plus the keys AWS derives from the principal and
 * resource: aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalType, aws:userid, aws:username
 * (IAM users only) and aws:ResourceAccount. A key the caller supplies wins over a derived one
 * (so the caller can pass the role ARN with its path as aws:PrincipalArn).
 */
export function buildRequestContext(
  principal: ContextPrincipal,
  resourceAccountId: string,
  entries: Readonly<Record<string, ContextEntry | undefined>>,
): RequestContext {
  const context = new Map<string, readonly ContextScalar[]>();
  for (const [key, value] of Object.entries(derivedEntries(principal, resourceAccountId))) {
    if (value !== undefined) context.set(key.toLowerCase(), [value]);
  }
  for (const [key, value] of Object.entries(entries)) {
    if (value === undefined) continue;
    const values: readonly ContextScalar[] = Array.isArray(value) ? value : [value as ContextScalar];
    if (values.length === 0) context.delete(key.toLowerCase());
    else context.set(key.toLowerCase(), values);
  }
  return context;
}

function derivedEntries(principal: ContextPrincipal, resourceAccountId: string): Record<string, string | undefined> {
  return {
    'aws:PrincipalAccount': principal.accountId,
    'aws:PrincipalArn': principal.type === 'assumed-role' ? (roleArnOfSession(principal.arn) ?? principal.arn) : principal.arn,
    'aws:PrincipalType': { root: 'Account', user: 'User', 'assumed-role': 'AssumedRole' }[principal.type],
    'aws:userid': principal.userId ?? (principal.type === 'root' ? principal.accountId : undefined),
    'aws:username': principal.type === 'user' ? (principal.username ?? userNameOf(principal.arn)) : undefined,
    'aws:ResourceAccount': resourceAccountId,
  };
}

function userNameOf(arn: string): string | undefined {
  const match = /:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  return match?.[1];
}

export function contextValues(context: RequestContext, key: string): readonly ContextScalar[] | undefined {
  return context.get(key.toLowerCase());
}

/** A value as text, the way string, ARN and Bool operators see it. */
export function contextText(value: ContextScalar): string {
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** The single value of a key for policy variables; undefined when absent or multivalued. */
export function variableValue(context: RequestContext, key: string): string | undefined {
  const values = contextValues(context, key);
  return values?.length === 1 ? contextText(values[0] as ContextScalar) : undefined;
}
