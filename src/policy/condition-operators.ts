/**
 * The IAM condition operators: how one request value compares with one policy value.
 * Negated operators (StringNotEquals, NotIpAddress, ...) are defined by their positive twin and
 * evaluated as NOR over the policy values (see conditions.ts).
 */
import { cidrContains, parseCidr, parseRequestIpAddress } from './ip-address.js';
import { arnMatches, expandLiteral, globMatches, type VariableLookup } from './patterns.js';
import { contextText, type ContextScalar } from './request-context.js';

export type ConditionOperator =
  | 'StringEquals'
  | 'StringNotEquals'
  | 'StringEqualsIgnoreCase'
  | 'StringNotEqualsIgnoreCase'
  | 'StringLike'
  | 'StringNotLike'
  | 'NumericEquals'
  | 'NumericNotEquals'
  | 'NumericLessThan'
  | 'NumericLessThanEquals'
  | 'NumericGreaterThan'
  | 'NumericGreaterThanEquals'
  | 'DateEquals'
  | 'DateNotEquals'
  | 'DateLessThan'
  | 'DateLessThanEquals'
  | 'DateGreaterThan'
  | 'DateGreaterThanEquals'
  | 'Bool'
  | 'BinaryEquals'
  | 'IpAddress'
  | 'NotIpAddress'
  | 'ArnEquals'
  | 'ArnLike'
  | 'ArnNotEquals'
  | 'ArnNotLike'
  | 'Null';

/** One request value against one policy value, in the operator's positive sense. */
export type ValueMatcher = (requestValue: ContextScalar, policyValue: string, variables: VariableLookup | undefined) => boolean;

export interface OperatorSpec {
  readonly negated: boolean;
  readonly match: ValueMatcher;
}

const stringEquals: ValueMatcher = (value, policy, variables) => expandLiteral(policy, variables) === contextText(value);

const stringEqualsIgnoreCase: ValueMatcher = (value, policy, variables) =>
  expandLiteral(policy, variables)?.toLowerCase() === contextText(value).toLowerCase();

const stringLike: ValueMatcher = (value, policy, variables) =>
  globMatches(policy, contextText(value), { variables, wildcards: true, ignoreCase: false, segmentAware: false });

const arnLike: ValueMatcher = (value, policy, variables) => arnMatches(policy, contextText(value), variables);

const bool: ValueMatcher = (value, policy) => {
  const text = contextText(value).toLowerCase();
  return (text === 'true' || text === 'false') && text === policy.toLowerCase();
};

const binaryEquals: ValueMatcher = (value, policy) => contextText(value) === policy;

const ipAddress: ValueMatcher = (value, policy) => {
  const block = parseCidr(policy.trim());
  const ip = typeof value === 'string' ? parseRequestIpAddress(value) : undefined;
  return block !== undefined && ip !== undefined && cidrContains(block, ip);
};

type Comparison = (a: number, b: number) => boolean;
const EQ: Comparison = (a, b) => a === b;
const LT: Comparison = (a, b) => a < b;
const LE: Comparison = (a, b) => a <= b;
const GT: Comparison = (a, b) => a > b;
const GE: Comparison = (a, b) => a >= b;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function toNumber(value: ContextScalar | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !NUMBER.test(value.trim())) return undefined;
  return Number(value);
}

/** Milliseconds since the epoch from a Date, epoch seconds, or an ISO 8601 date/time. */
function toEpochMillis(value: ContextScalar | string): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'number') return Number.isFinite(value) ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const millis = Date.parse(text);
  return Number.isNaN(millis) ? undefined : millis;
}

function numeric(compare: Comparison): ValueMatcher {
  return (value, policy) => {
    const a = toNumber(value);
    const b = toNumber(policy);
    return a !== undefined && b !== undefined && compare(a, b);
  };
}

function date(compare: Comparison): ValueMatcher {
  return (value, policy) => {
    const a = toEpochMillis(value);
    const b = toEpochMillis(policy);
    return a !== undefined && b !== undefined && compare(a, b);
  };
}

const never: ValueMatcher = () => false;

const positive = (match: ValueMatcher): OperatorSpec => ({ negated: false, match });
const negated = (match: ValueMatcher): OperatorSpec => ({ negated: true, match });

/** Null is evaluated on key presence alone (conditions.ts); its matcher is never called. */
export const OPERATORS: Readonly<Record<ConditionOperator, OperatorSpec>> = {
  StringEquals: positive(stringEquals),
  StringNotEquals: negated(stringEquals),
  StringEqualsIgnoreCase: positive(stringEqualsIgnoreCase),
  StringNotEqualsIgnoreCase: negated(stringEqualsIgnoreCase),
  StringLike: positive(stringLike),
  StringNotLike: negated(stringLike),
  NumericEquals: positive(numeric(EQ)),
  NumericNotEquals: negated(numeric(EQ)),
  NumericLessThan: positive(numeric(LT)),
  NumericLessThanEquals: positive(numeric(LE)),
  NumericGreaterThan: positive(numeric(GT)),
  NumericGreaterThanEquals: positive(numeric(GE)),
  DateEquals: positive(date(EQ)),
  DateNotEquals: negated(date(EQ)),
  DateLessThan: positive(date(LT)),
  DateLessThanEquals: positive(date(LE)),
  DateGreaterThan: positive(date(GT)),
  DateGreaterThanEquals: positive(date(GE)),
  Bool: positive(bool),
  BinaryEquals: positive(binaryEquals),
  IpAddress: positive(ipAddress),
  NotIpAddress: negated(ipAddress),
  ArnEquals: positive(arnLike),
  ArnLike: positive(arnLike),
  ArnNotEquals: negated(arnLike),
  ArnNotLike: negated(arnLike),
  Null: positive(never),
};

/** Operators whose policy values may hold policy variables (AWS: string and ARN comparisons). */
export function supportsVariables(operator: ConditionOperator): boolean {
  return operator.startsWith('String') || operator.startsWith('Arn');
}

const BY_LOWER_NAME = new Map(Object.keys(OPERATORS).map((name) => [name.toLowerCase(), name as ConditionOperator]));

export type SetQualifier = 'ForAnyValue' | 'ForAllValues';

export interface ParsedOperator {
  readonly base: ConditionOperator;
  readonly qualifier: SetQualifier | undefined;
  readonly ifExists: boolean;
}

/**
 * `[ForAnyValue:|ForAllValues:]<Operator>[IfExists]`, names matched case-insensitively.
 * Undefined for an unknown operator or `NullIfExists` (AWS: IfExists applies to every operator but Null).
 */
export function parseConditionOperator(name: string): ParsedOperator | undefined {
  const qualifierMatch = /^(ForAnyValue|ForAllValues):(.*)$/i.exec(name);
  const qualifier = qualifierMatch ? canonicalQualifier(qualifierMatch[1] as string) : undefined;
  let rest = qualifierMatch ? (qualifierMatch[2] as string) : name;
  const ifExists = /IfExists$/i.test(rest);
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  const base = BY_LOWER_NAME.get(rest.toLowerCase());
  if (base === undefined || (base === 'Null' && ifExists)) return undefined;
  return { base, qualifier, ifExists };
}

function canonicalQualifier(text: string): SetQualifier {
  return text.toLowerCase() === 'foranyvalue' ? 'ForAnyValue' : 'ForAllValues';
}
