/**
 * The IAM JSON policy grammar: parse and validate a policy document into a normalised,
 * immutable form the evaluator consumes. Malformed documents throw
 * `RegistryError('INVALID_PARAMETER', message)`; the message names the element and the problem
 * (IAM's wording where IAM has one). The caller maps it to ECR's InvalidParameterException or
 * IAM's MalformedPolicyDocument and owns size limits.
 */
import { RegistryError } from '../errors/registry-error.js';
import { parseConditionOperator, type ConditionOperator, type SetQualifier } from './condition-operators.js';
import { PRINCIPAL_TYPES, parseAwsPrincipal, type PrincipalSpec, type PrincipalType } from './principals.js';

export type PolicyKind = 'identity' | 'resource' | 'trust';
export type PolicyVersion = '2012-10-17' | '2008-10-17';
export type Effect = 'Allow' | 'Deny';
export type { PrincipalSpec, PrincipalType } from './principals.js';

export interface PolicyDocument {
  readonly kind: PolicyKind;
  /** `2008-10-17` when the document has no Version (AWS's documented default); it has no policy variables. */
  readonly version: PolicyVersion;
  readonly id?: string;
  readonly statements: readonly PolicyStatement[];
}

export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: Effect;
  /** Principal (negated: false) or NotPrincipal (negated: true); absent in identity policies. */
  readonly principal?: { readonly negated: boolean; readonly spec: PrincipalSpec };
  /** Action or NotAction. */
  readonly action: { readonly negated: boolean; readonly patterns: readonly string[] };
  /** Resource or NotResource; absent in a resource policy means the resource it is attached to. */
  readonly resource?: { readonly negated: boolean; readonly patterns: readonly string[] };
  /** Every clause must hold (AND); values within a clause are ORed (NOR for negated operators). */
  readonly conditions: readonly ConditionClause[];
}

export interface ConditionClause {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  readonly base: ConditionOperator;
  readonly qualifier: SetQualifier | undefined;
  readonly ifExists: boolean;
  readonly key: string;
  /** Policy values as strings (JSON numbers and booleans are stringified). */
  readonly values: readonly string[];
}

const VERSIONS: readonly PolicyVersion[] = ['2012-10-17', '2008-10-17'];
const DEFAULT_VERSION: PolicyVersion = '2008-10-17';
const TOP_LEVEL_FIELDS = ['Version', 'Id', 'Statement'];
const STATEMENT_FIELDS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9*?_-]+$/;
const CONDITION_KEY = /^[A-Za-z0-9-]+:\S+$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Parses a policy document of the given kind, or throws INVALID_PARAMETER naming the problem. */
export function parsePolicyDocument(text: string, kind: PolicyKind): PolicyDocument {
  const json = parseJson(text);
  if (!isObject(json)) fail('Syntax errors in policy: the policy document must be a JSON object');
  checkFields(json, TOP_LEVEL_FIELDS, 'the policy document');
  const version = parseVersion(json.Version);
  const statements = parseStatements(json.Statement, kind);
  const id = json.Id;
  if (id !== undefined && typeof id !== 'string') fail('Id must be a string');
  return deepFreeze({ kind, version, ...(id === undefined ? {} : { id }), statements });
}

/** The error every malformed document throws. */
export function policyDocumentError(message: string): RegistryError {
  return new RegistryError('INVALID_PARAMETER', message);
}

function fail(message: string): never {
  throw policyDocumentError(message);
}

function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return fail('Syntax errors in policy: the policy document is not valid JSON');
  }
}

function parseVersion(value: Json | undefined): PolicyVersion {
  if (value === undefined) return DEFAULT_VERSION;
  if (typeof value === 'string' && (VERSIONS as readonly string[]).includes(value)) return value as PolicyVersion;
  return fail(`Invalid Version ${JSON.stringify(value)}: the policy language version must be "2012-10-17" or "2008-10-17"`);
}

function parseStatements(value: Json | undefined, kind: PolicyKind): PolicyStatement[] {
  if (value === undefined) fail('Missing required field Statement');
  const single = isObject(value);
  const list = single ? [value] : value;
  if (!Array.isArray(list)) fail('Statement must be an object or an array of objects');
  if (list.length === 0) fail('Statement must contain at least one statement');
  const statements = list.map((entry, index) => parseStatement(entry, kind, single ? 'Statement' : `Statement[${index}]`));
  checkUniqueSids(statements);
  return statements;
}

function checkUniqueSids(statements: readonly PolicyStatement[]): void {
  const seen = new Set<string>();
  for (const { sid } of statements) {
    if (!sid) continue;
    if (seen.has(sid)) fail(`Statement IDs (SID) in a single policy must be unique: "${sid}" appears more than once`);
    seen.add(sid);
  }
}

function parseStatement(value: Json, kind: PolicyKind, path: string): PolicyStatement {
  if (!isObject(value)) fail(`${path} must be an object`);
  const where = typeof value.Sid === 'string' && value.Sid ? `${path} (Sid "${value.Sid}")` : path;
  checkFields(value, STATEMENT_FIELDS, where);
  const sid = value.Sid;
  if (sid !== undefined && typeof sid !== 'string') fail(`${where}: Sid must be a string`);
  const effect = parseEffect(value.Effect, where);
  const principal = parsePrincipalElement(value, kind, effect, where);
  const action = parseActionElement(value, where);
  const resource = parseResourceElement(value, kind, where);
  const conditions = parseConditionElement(value.Condition, where);
  return {
    ...(sid === undefined ? {} : { sid }),
    effect,
    ...(principal === undefined ? {} : { principal }),
    action,
    ...(resource === undefined ? {} : { resource }),
    conditions,
  };
}

function parseEffect(value: Json | undefined, where: string): Effect {
  if (value === undefined) fail(`${where}: Missing required field Effect`);
  if (value === 'Allow' || value === 'Deny') return value;
  return fail(`${where}: Invalid Effect ${JSON.stringify(value)}: must be "Allow" or "Deny"`);
}

function parsePrincipalElement(statement: JsonObject, kind: PolicyKind, effect: Effect, where: string): PolicyStatement['principal'] {
  const { Principal: principal, NotPrincipal: notPrincipal } = statement;
  if (kind === 'identity') {
    if (principal !== undefined || notPrincipal !== undefined) {
      fail(`${where}: Policy document should not specify a principal (identity-based policies have no Principal or NotPrincipal)`);
    }
    return undefined;
  }
  if (principal !== undefined && notPrincipal !== undefined) fail(`${where}: Principal and NotPrincipal cannot both be present`);
  if (notPrincipal !== undefined) {
    if (kind === 'trust') fail(`${where}: NotPrincipal is not supported in a role trust policy`);
    if (effect !== 'Deny') fail(`${where}: NotPrincipal must be used with "Effect": "Deny"`);
    return { negated: true, spec: parsePrincipalSpec(notPrincipal, `${where}: NotPrincipal`) };
  }
  if (principal === undefined) fail(`${where}: Missing required field Principal`);
  return { negated: false, spec: parsePrincipalSpec(principal, `${where}: Principal`) };
}

function parsePrincipalSpec(value: Json, where: string): PrincipalSpec {
  if (value === '*') return '*';
  if (!isObject(value)) fail(`${where} must be "*" or an object such as {"AWS": "arn:aws:iam::123456789012:root"}`);
  const entries = Object.entries(value);
  if (entries.length === 0) fail(`${where} must name at least one principal`);
  const spec: Partial<Record<PrincipalType, readonly string[]>> = {};
  for (const [type, listed] of entries) {
    if (!(PRINCIPAL_TYPES as readonly string[]).includes(type)) {
      fail(`${where}: Unknown principal type "${type}" (expected AWS, Service, Federated or CanonicalUser)`);
    }
    const values = stringList(listed, `${where}.${type}`);
    if (type === 'AWS') values.forEach((entry) => checkAwsPrincipal(entry, where));
    spec[type as PrincipalType] = values;
  }
  return spec;
}

function checkAwsPrincipal(value: string, where: string): void {
  if (parseAwsPrincipal(value) === undefined) {
    fail(`${where}: Invalid principal in policy: "${value}" (expected "*", a 12-digit account ID, or an IAM user, role, root or STS session ARN, without wildcards)`);
  }
}

function parseActionElement(statement: JsonObject, where: string): PolicyStatement['action'] {
  const { Action: action, NotAction: notAction } = statement;
  if (action !== undefined && notAction !== undefined) fail(`${where}: Action and NotAction cannot both be present`);
  if (action === undefined && notAction === undefined) fail(`${where}: Missing required field Action (or NotAction)`);
  const negated = action === undefined;
  const element = negated ? 'NotAction' : 'Action';
  const patterns = stringList((negated ? notAction : action) as Json, `${where}: ${element}`);
  for (const pattern of patterns) {
    if (pattern !== '*' && !ACTION.test(pattern)) {
      fail(`${where}: ${element} "${pattern}" is invalid: actions must be "*" or prefaced by a vendor, e.g. "ecr:BatchGetImage"`);
    }
  }
  return { negated, patterns };
}

function parseResourceElement(statement: JsonObject, kind: PolicyKind, where: string): PolicyStatement['resource'] {
  const { Resource: resource, NotResource: notResource } = statement;
  if (kind === 'trust') {
    if (resource !== undefined) fail(`${where}: Has prohibited field Resource (a role trust policy applies to its role)`);
    if (notResource !== undefined) fail(`${where}: Has prohibited field NotResource (a role trust policy applies to its role)`);
    return undefined;
  }
  if (resource !== undefined && notResource !== undefined) fail(`${where}: Resource and NotResource cannot both be present`);
  if (resource === undefined && notResource === undefined) {
    if (kind === 'identity') fail(`${where}: Missing required field Resource (or NotResource)`);
    return undefined;
  }
  const negated = resource === undefined;
  const element = negated ? 'NotResource' : 'Resource';
  const patterns = stringList((negated ? notResource : resource) as Json, `${where}: ${element}`);
  for (const pattern of patterns) {
    if (pattern !== '*' && !isArnPattern(pattern)) fail(`${where}: ${element} "${pattern}" must be in ARN format or "*"`);
  }
  return { negated, patterns };
}

function isArnPattern(value: string): boolean {
  return value.startsWith('arn:') && value.split(':').length >= 6;
}

function parseConditionElement(value: Json | undefined, where: string): ConditionClause[] {
  if (value === undefined) return [];
  if (!isObject(value)) fail(`${where}: Condition must be an object of condition operators`);
  const clauses: ConditionClause[] = [];
  for (const [operator, block] of Object.entries(value)) {
    const parsed = parseConditionOperator(operator);
    if (parsed === undefined) fail(`${where}: Invalid Condition operator "${operator}"`);
    if (!isObject(block)) fail(`${where}: Condition operator "${operator}" must map condition keys to values`);
    for (const [key, values] of Object.entries(block)) {
      if (!CONDITION_KEY.test(key)) fail(`${where}: Condition key "${key}" must be prefaced by a vendor, e.g. "aws:SourceIp"`);
      clauses.push({ operator, ...parsed, key, values: conditionValues(values, `${where}: Condition ${operator} ${key}`) });
    }
  }
  return clauses;
}

/** A condition value or list of values: strings, numbers or booleans (stringified). */
function conditionValues(value: Json, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry) => {
    if (typeof entry === 'string') return entry;
    if (typeof entry === 'number' || typeof entry === 'boolean') return String(entry);
    return fail(`${where}: condition values must be strings, numbers or booleans`);
  });
}

/** A string or a non-empty array of strings. */
function stringList(value: Json, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) fail(`${where} must not be empty`);
  return list.map((entry) => (typeof entry === 'string' && entry !== '' ? entry : fail(`${where} must be a string or an array of strings`)));
}

function checkFields(object: JsonObject, allowed: readonly string[], where: string): void {
  for (const field of Object.keys(object)) {
    if (!allowed.includes(field)) fail(`${where}: Unknown field ${field}`);
  }
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
