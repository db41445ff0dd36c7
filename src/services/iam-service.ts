import { randomBytes } from 'node:crypto';
import { loadIdentityPolicies } from '../policy/identity-policies.js';
import { sha256 } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { generateAccessKeyId, generateSecretAccessKey } from '../auth/secrets.js';
import type { RegistryKey } from '../crypto/registry-key.js';
import type { Clock } from '../domain/clock.js';
import { RegistryError, isRegistryError } from '../errors/registry-error.js';
import { parsePolicyDocument, type PolicyDocument, type PolicyKind } from '../policy/document.js';
import { evaluatePolicies, type ContextEntry, type PolicyEvaluation } from '../policy/evaluate.js';
import { findManagedPolicy } from '../policy/managed-policies.js';
import type { AccessKeyRecord, IamRole, IamUser, MetadataStore, MetadataTx, ResourceTag } from '../storage/metadata/metadata-store.js';

/** Who asks: the authenticated principal and, for aws:SourceIp conditions, where from. */
export interface IamCaller {
  readonly principal: Principal;
  readonly sourceIp?: string | undefined;
}

export type IamEntityKind = 'user' | 'role';

/** A user or role by name: inline and attached policies work the same on both. */
export interface IamEntityRef {
  readonly kind: IamEntityKind;
  readonly name: string;
}

export interface PageRequest {
  readonly marker?: string | undefined;
  readonly maxItems?: number | undefined;
}

/** One page of a listing; `marker` is set exactly when more items follow. */
export interface Page<T> {
  readonly items: T[];
  readonly marker?: string | undefined;
}

/** A user as GetUser describes it; the account root has no name, path or creation date. */
export type UserDescription = Partial<Pick<IamUser, 'name' | 'path' | 'createdAt'>> & Pick<IamUser, 'userId' | 'arn'> & { readonly tags?: ResourceTag[] };
export type RoleDescription = IamRole & { readonly tags?: ResourceTag[] };

export interface NewAccessKey {
  readonly key: AccessKeyRecord;
  /** Returned once, never stored in the clear. */
  readonly secretAccessKey: string;
}

export interface RoleSession {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  /** `ROLEID:SESSION` */
  readonly assumedRoleId: string;
  /** `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION` */
  readonly arn: string;
}

/** IAM's quotas and STS's session bounds. Inline policy sizes count characters other than white space, as IAM does. */
const IAM_LIMITS = {
  userInlinePolicyChars: 2048,
  roleInlinePolicyChars: 10240,
  trustPolicyChars: 2048,
  accessKeysPerUser: 2,
  tagsPerEntity: 50,
  defaultMaxItems: 100,
  session: { min: 900, max: 43200, default: 3600 },
  roleMaxSession: { min: 3600, max: 43200, default: 3600 },
} as const;

interface Constraint {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
}

// Member constraints from the IAM and STS API models.
const NAME: Constraint = { min: 1, max: 64, pattern: /^[\w+=,.@-]+$/ };
const POLICY_NAME: Constraint = { min: 1, max: 128, pattern: /^[\w+=,.@-]+$/ };
const PATH: Constraint = { min: 1, max: 512, pattern: /^(?:\/|\/[\u0021-\u007E]+\/)$/ };
const PATH_PREFIX: Constraint = { min: 1, max: 512, pattern: /^\/[\u0021-\u007E]*$/ };
const POLICY_DOCUMENT: Constraint = { min: 1, max: 131072, pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ };
const ARN: Constraint = { min: 20, max: 2048 };
const ACCESS_KEY_ID: Constraint = { min: 16, max: 128, pattern: /^\w+$/ };
const DESCRIPTION: Constraint = { min: 0, max: 1000, pattern: /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/ };
const SESSION_NAME: Constraint = { min: 2, max: 64, pattern: /^[\w+=,.@-]*$/ };
const EXTERNAL_ID: Constraint = { min: 2, max: 1224, pattern: /^[\w+=,.@:/-]*$/ };
const TAG_KEY: Constraint = { min: 1, max: 128, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u };
const TAG_VALUE: Constraint = { min: 0, max: 256, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u };
const MARKER: Constraint = { min: 1, max: 320, pattern: /^[\u0020-\u00FF]+$/ };

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]+)$/;
const POLICY_ARN = /^arn:aws[\w-]*:iam::(?:aws|\d{12}):policy\/[\u0021-\u007E]+$/;
const PAGE_BATCH = 100;

/** IAM's ValidationError wording: `1 validation error detected: Value 'x' at 'userName' failed to satisfy constraint: …`. */
export function constraintError(member: string, value: string | number | undefined, constraint: string): RegistryError {
  const shown = value === undefined ? 'null' : `'${String(value).slice(0, 200)}'`;
  const field = member.charAt(0).toLowerCase() + member.slice(1);
  return new RegistryError('VALIDATION', `1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${constraint}`);
}

function check(member: string, value: string, constraint: Constraint): string {
  if (constraint.min !== undefined && value.length < constraint.min) throw constraintError(member, value, `Member must have length greater than or equal to ${constraint.min}`);
  if (constraint.max !== undefined && value.length > constraint.max) throw constraintError(member, value, `Member must have length less than or equal to ${constraint.max}`);
  if (constraint.pattern && !constraint.pattern.test(value)) {
    throw constraintError(member, value, `Member must satisfy regular expression pattern: ${constraint.pattern.source.replace(/^\^|\$$/g, '')}`);
  }
  return value;
}

function checkRange(member: string, value: number, min: number, max: number): number {
  if (value < min) throw constraintError(member, value, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraintError(member, value, `Member must have value less than or equal to ${max}`);
  return value;
}

function checkTags(tags: readonly ResourceTag[]): void {
  if (tags.length > IAM_LIMITS.tagsPerEntity) throw constraintError('Tags', undefined, `Member must have length less than or equal to ${IAM_LIMITS.tagsPerEntity}`);
  const keys = new Set<string>();
  for (const tag of tags) {
    check('Tags.member.key', tag.Key, TAG_KEY);
    check('Tags.member.value', tag.Value, TAG_VALUE);
    if (keys.has(tag.Key.toLowerCase())) throw new RegistryError('INVALID_PARAMETER', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    keys.add(tag.Key.toLowerCase());
  }
}

function parsePolicy(document: string, kind: PolicyKind): PolicyDocument {
  try {
    return parsePolicyDocument(document, kind);
  } catch (err) {
    if (isRegistryError(err) && err.code === 'INVALID_PARAMETER') throw new RegistryError('MALFORMED_POLICY', err.message);
    throw err;
  }
}

/** IAM does not count white space against policy size quotas. */
function policySize(document: string): number {
  return document.replace(/\s/g, '').length;
}

const LABELS: Readonly<Record<IamEntityKind, string>> = { user: 'User', role: 'Role' };

/** The IAM action for a policy operation on a user or role, e.g. `iam:PutUserPolicy`, `iam:ListAttachedRolePolicies`. */
function policyAction(kind: IamEntityKind, operation: 'Put' | 'Get' | 'Delete' | 'Attach' | 'Detach' | 'List' | 'ListAttached'): string {
  const label = LABELS[kind];
  return operation.startsWith('List') ? `iam:${operation}${label}Policies` : `iam:${operation}${label}Policy`;
}

function noSuchEntity(ref: IamEntityRef): RegistryError {
  return new RegistryError('IAM_NO_SUCH_ENTITY', `The ${ref.kind} with name ${ref.name} cannot be found.`);
}

/**
 * IAM users, access keys, roles and their policies, and STS sessions: the one implementation
 * behind the IAM and STS Query APIs and `wharf iam`. Every operation authorises the caller as IAM
 * does (`iam:<Action>` on the user or role ARN, through the policy evaluator) inside the
 * transaction that carries it out.
 */
export class IamService {
  readonly #metadata: MetadataStore;
  readonly #clock: Clock;
  readonly #registryKey: RegistryKey;
  readonly #accountId: string;

  constructor(options: { readonly metadata: MetadataStore; readonly clock: Clock; readonly registryKey: RegistryKey; readonly accountId: string }) {
    this.#metadata = options.metadata;
    this.#clock = options.clock;
    this.#registryKey = options.registryKey;
    this.#accountId = options.accountId;
  }

  // ---- users -------------------------------------------------------------------------------

  async createUser(caller: IamCaller, input: { userName: string; path?: string | undefined; tags?: readonly ResourceTag[] }): Promise<UserDescription> {
    const name = check('UserName', input.userName, NAME);
    const path = check('Path', input.path ?? '/', PATH);
    const tags = [...(input.tags ?? [])];
    checkTags(tags);
    const arn = this.#arn('user', path, name);
    return this.#metadata.write(async (tx) => {
      await this.#authorize(tx, caller, 'iam:CreateUser', arn);
      const user: IamUser = { accountId: this.#accountId, name, path, userId: generateAccessKeyId('AIDA'), arn, createdAt: this.#clock.now() };
      await tx.iam.createUser(user);
      if (tags.length > 0) await tx.resourceTags.put(arn, tags);
      return { ...user, tags };
    });
  }

  /** The named user, or without a name the caller itself (the root, or the calling user). */
  async getUser(caller: IamCaller, userName?: string): Promise<UserDescription> {
    return this.#metadata.read(async (tx) => {
      const { principal } = caller;
      if (userName === undefined && principal.type === 'root') {
        await this.#authorize(tx, caller, 'iam:GetUser', principal.arn);
        return { userId: principal.userId, arn: principal.arn };
      }
      const user = await this.#user(tx, caller, 'iam:GetUser', userName ?? this.#callerUserName(principal));
      return { ...user, tags: await tx.resourceTags.list(user.arn) };
    });
  }

  async listUsers(caller: IamCaller, request: PageRequest & { pathPrefix?: string | undefined }): Promise<Page<IamUser>> {
    const prefix = check('PathPrefix', request.pathPrefix ?? '/', PATH_PREFIX);
    return this.#metadata.read(async (tx) => {
      await this.#authorize(tx, caller, 'iam:ListUsers', `arn:aws:iam::${this.#accountId}:user${prefix}`);
      return collectPage((last, limit) => tx.iam.listUsers(this.#accountId, { last, limit }), (u) => u.name, request, (u) => u.path.startsWith(prefix));
    });
  }

  async deleteUser(caller: IamCaller, userName: string): Promise<void> {
    await this.#metadata.write(async (tx) => {
      const user = await this.#user(tx, caller, 'iam:DeleteUser', userName);
      await tx.iam.deleteUser(this.#accountId, user.name);
      await tx.resourceTags.removeAll(user.arn);
    });
  }

  // ---- access keys -------------------------------------------------------------------------

  /** A new access key for the user, or without a name for the caller; the secret is returned only here. */
  async createAccessKey(caller: IamCaller, userName?: string): Promise<NewAccessKey> {
    return this.#metadata.write(async (tx) => {
      const owner = await this.#keyOwner(tx, caller, 'iam:CreateAccessKey', userName);
      const existing = await tx.iam.listAccessKeys(this.#accountId, owner);
      if (existing.length >= IAM_LIMITS.accessKeysPerUser) {
        throw new RegistryError('LIMIT_EXCEEDED', `Cannot exceed quota for AccessKeysPerUser: ${IAM_LIMITS.accessKeysPerUser}`);
      }
      const secretAccessKey = generateSecretAccessKey();
      const key: AccessKeyRecord = {
        accessKeyId: generateAccessKeyId('AKIA'),
        accountId: this.#accountId,
        userName: owner,
        secretCiphertext: this.#registryKey.encrypt(secretAccessKey),
        status: 'Active',
        createdAt: this.#clock.now(),
      };
      await tx.iam.createAccessKey(key);
      return { key, secretAccessKey };
    });
  }

  async listAccessKeys(caller: IamCaller, userName?: string): Promise<AccessKeyRecord[]> {
    return this.#metadata.read(async (tx) => tx.iam.listAccessKeys(this.#accountId, await this.#keyOwner(tx, caller, 'iam:ListAccessKeys', userName)));
  }

  /**
   * Deletes a key of the user, or without a name of the caller. The root may name just the key,
   * whoever holds it in its account (what `wharf iam delete-access-key KEYID` does).
   */
  async deleteAccessKey(caller: IamCaller, accessKeyId: string, userName?: string): Promise<void> {
    check('AccessKeyId', accessKeyId, ACCESS_KEY_ID);
    await this.#metadata.write(async (tx) => {
      const key = await tx.iam.getAccessKey(accessKeyId);
      const named = userName ?? (caller.principal.type === 'root' ? key?.userName : undefined);
      const owner = await this.#keyOwner(tx, caller, 'iam:DeleteAccessKey', named);
      if (!key || key.accountId !== this.#accountId || key.userName !== owner) {
        throw new RegistryError('IAM_NO_SUCH_ENTITY', `The Access Key with id ${accessKeyId} cannot be found.`);
      }
      await tx.iam.deleteAccessKey(accessKeyId);
    });
  }

  // ---- roles -------------------------------------------------------------------------------

  async createRole(
    caller: IamCaller,
    input: {
      roleName: string;
      assumeRolePolicyDocument: string;
      path?: string | undefined;
      description?: string | undefined;
      maxSessionDuration?: number | undefined;
      tags?: readonly ResourceTag[];
    },
  ): Promise<RoleDescription> {
    const name = check('RoleName', input.roleName, NAME);
    const path = check('Path', input.path ?? '/', PATH);
    const trustPolicy = check('AssumeRolePolicyDocument', input.assumeRolePolicyDocument, POLICY_DOCUMENT);
    const description = input.description === undefined ? undefined : check('Description', input.description, DESCRIPTION);
    const { min, max, default: fallback } = IAM_LIMITS.roleMaxSession;
    const maxSessionDurationSeconds = checkRange('MaxSessionDuration', input.maxSessionDuration ?? fallback, min, max);
    const tags = [...(input.tags ?? [])];
    checkTags(tags);
    const arn = this.#arn('role', path, name);
    return this.#metadata.write(async (tx) => {
      await this.#authorize(tx, caller, 'iam:CreateRole', arn);
      parsePolicy(trustPolicy, 'trust');
      if (policySize(trustPolicy) > IAM_LIMITS.trustPolicyChars) {
        throw new RegistryError('LIMIT_EXCEEDED', `Cannot exceed quota for ACLSizePerRole: ${IAM_LIMITS.trustPolicyChars}`);
      }
      const role: IamRole = {
        accountId: this.#accountId,
        name,
        path,
        roleId: generateAccessKeyId('AROA'),
        arn,
        trustPolicy,
        description,
        maxSessionDurationSeconds,
        createdAt: this.#clock.now(),
      };
      await tx.iam.createRole(role);
      if (tags.length > 0) await tx.resourceTags.put(arn, tags);
      return { ...role, tags };
    });
  }

  async getRole(caller: IamCaller, roleName: string): Promise<RoleDescription> {
    return this.#metadata.read(async (tx) => {
      const role = await this.#role(tx, caller, 'iam:GetRole', roleName);
      return { ...role, tags: await tx.resourceTags.list(role.arn) };
    });
  }

  async listRoles(caller: IamCaller, request: PageRequest & { pathPrefix?: string | undefined }): Promise<Page<IamRole>> {
    const prefix = check('PathPrefix', request.pathPrefix ?? '/', PATH_PREFIX);
    return this.#metadata.read(async (tx) => {
      await this.#authorize(tx, caller, 'iam:ListRoles', `arn:aws:iam::${this.#accountId}:role${prefix}`);
      return collectPage((last, limit) => tx.iam.listRoles(this.#accountId, { last, limit }), (r) => r.name, request, (r) => r.path.startsWith(prefix));
    });
  }

  async deleteRole(caller: IamCaller, roleName: string): Promise<void> {
    await this.#metadata.write(async (tx) => {
      const role = await this.#role(tx, caller, 'iam:DeleteRole', roleName);
      await tx.iam.deleteRole(this.#accountId, role.name);
      await tx.resourceTags.removeAll(role.arn);
    });
  }

  // ---- policies of users and roles ---------------------------------------------------------

  /** Creates or replaces an inline identity policy, within IAM's aggregate size quota. */
  async putInlinePolicy(caller: IamCaller, ref: IamEntityRef, policyName: string, document: string): Promise<void> {
    check('PolicyName', policyName, POLICY_NAME);
    check('PolicyDocument', document, POLICY_DOCUMENT);
    await this.#metadata.write(async (tx) => {
      const entity = await this.#entity(tx, caller, policyAction(ref.kind, 'Put'), ref);
      parsePolicy(document, 'identity');
      const limit = ref.kind === 'user' ? IAM_LIMITS.userInlinePolicyChars : IAM_LIMITS.roleInlinePolicyChars;
      const others = (await tx.iam.listInlinePolicies(entity.arn)).filter((p) => p.name !== policyName);
      const size = others.reduce((total, p) => total + policySize(p.document), policySize(document));
      if (size > limit) throw new RegistryError('LIMIT_EXCEEDED', `Maximum policy size of ${limit} bytes exceeded for ${ref.kind} ${ref.name}`);
      await tx.iam.putInlinePolicy(entity.arn, policyName, document);
    });
  }

  /** The inline policy's document as it was put (the Query API URL-encodes it, as IAM does). */
  async getInlinePolicy(caller: IamCaller, ref: IamEntityRef, policyName: string): Promise<string> {
    check('PolicyName', policyName, POLICY_NAME);
    return this.#metadata.read(async (tx) => {
      const entity = await this.#entity(tx, caller, policyAction(ref.kind, 'Get'), ref);
      const document = await tx.iam.getInlinePolicy(entity.arn, policyName);
      if (document === undefined) throw noSuchInlinePolicy(ref, policyName);
      return document;
    });
  }

  async deleteInlinePolicy(caller: IamCaller, ref: IamEntityRef, policyName: string): Promise<void> {
    check('PolicyName', policyName, POLICY_NAME);
    await this.#metadata.write(async (tx) => {
      const entity = await this.#entity(tx, caller, policyAction(ref.kind, 'Delete'), ref);
      if (!(await tx.iam.deleteInlinePolicy(entity.arn, policyName))) throw noSuchInlinePolicy(ref, policyName);
    });
  }

  /** Names of the inline policies. */
  async listInlinePolicies(caller: IamCaller, ref: IamEntityRef, request: PageRequest): Promise<Page<string>> {
    return this.#metadata.read(async (tx) => {
      const entity = await this.#entity(tx, caller, policyAction(ref.kind, 'List'), ref);
      const names = (await tx.iam.listInlinePolicies(entity.arn)).map((p) => p.name);
      return collectPage(pageOf(names, (n) => n), (n) => n, request);
    });
  }

  /** Attaches a managed policy; only the AWS-managed ECR policies exist here. */
  async attachPolicy(caller: IamCaller, ref: IamEntityRef, policyArn: string): Promise<void> {
    checkPolicyArn(policyArn);
    await this.#metadata.write(async (tx) => {
      const entity = await this.#entity(tx, caller, policyAction(ref.kind, 'Attach'), ref);
      if (!findManagedPolicy(policyArn)) throw new RegistryError('IAM_NO_SUCH_ENTITY', `Policy ${policyArn} does not exist or is not attachable.`);
      await tx.iam.attachPolicy(entity.arn, policyArn);
    });
  }

  async detachPolicy(caller: IamCaller, ref: IamEntityRef, policyArn: string): Promise<void> {
    checkPolicyArn(policyArn);
    await this.#metadata.write(async (tx) => {
      const entity = await this.#entity(tx, caller, policyAction(ref.kind, 'Detach'), ref);
      if (!(await tx.iam.detachPolicy(entity.arn, policyArn))) throw new RegistryError('IAM_NO_SUCH_ENTITY', `Policy ${policyArn} was not found.`);
    });
  }

  async listAttachedPolicies(caller: IamCaller, ref: IamEntityRef, request: PageRequest): Promise<Page<{ name: string; arn: string }>> {
    return this.#metadata.read(async (tx) => {
      const entity = await this.#entity(tx, caller, policyAction(ref.kind, 'ListAttached'), ref);
      const attached = (await tx.iam.listAttachedPolicies(entity.arn)).map((arn) => ({ arn, name: findManagedPolicy(arn)?.name ?? arn.slice(arn.lastIndexOf('/') + 1) }));
      return collectPage(pageOf(attached, (p) => p.arn), (p) => p.arn, request);
    });
  }

  // ---- STS ---------------------------------------------------------------------------------

  /** STS GetCallerIdentity: needs no permission, as in AWS. */
  callerIdentity(caller: IamCaller): { account: string; arn: string; userId: string } {
    return { account: caller.principal.accountId, arn: caller.principal.arn, userId: caller.principal.userId };
  }

  /**
   * STS AssumeRole. The caller's identity policies must allow `sts:AssumeRole` on the role (the
   * root's always do) AND the role's trust policy must allow the caller; an explicit deny in
   * either refuses. A role that does not exist is refused the same way, so as not to reveal it.
   */
  async assumeRole(
    caller: IamCaller,
    input: { roleArn: string; roleSessionName: string; durationSeconds?: number | undefined; externalId?: string | undefined },
  ): Promise<RoleSession> {
    const roleArn = check('RoleArn', input.roleArn, ARN);
    const sessionName = check('RoleSessionName', input.roleSessionName, SESSION_NAME);
    const { min, max, default: fallback } = IAM_LIMITS.session;
    const duration = checkRange('DurationSeconds', input.durationSeconds ?? fallback, min, max);
    const externalId = input.externalId === undefined ? undefined : check('ExternalId', input.externalId, EXTERNAL_ID);
    const parsed = ROLE_ARN.exec(roleArn);
    if (!parsed) throw new RegistryError('VALIDATION', `${roleArn} is invalid`);
    return this.#metadata.write(async (tx) => {
      const found = parsed[1] === this.#accountId ? await tx.iam.getRole(this.#accountId, parsed[2]!) : undefined;
      const role = found?.arn === roleArn ? found : undefined;
      const identity = await loadIdentityPolicies(tx, caller.principal.policyArn);
      const trust = role ? [parsePolicy(role.trustPolicy, 'trust')] : [];
      const evaluation = this.#evaluate(caller, 'sts:AssumeRole', roleArn, identity, trust, externalId === undefined ? {} : { 'sts:ExternalId': externalId });
      const allows = (source: 'identity' | 'resource') => evaluation.matchedStatements.some((s) => s.source === source && s.effect === 'Allow');
      const identityAllows = caller.principal.type === 'root' || allows('identity');
      if (!role || evaluation.decision !== 'Allow' || !identityAllows || !allows('resource')) {
        throw new RegistryError('DENIED', `User: ${caller.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
      }
      if (duration > role.maxSessionDurationSeconds) {
        throw new RegistryError('VALIDATION', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
      }
      const now = this.#clock.now();
      const expiration = new Date(now.getTime() + duration * 1000);
      const secretAccessKey = generateSecretAccessKey();
      const sessionToken = randomBytes(96).toString('base64');
      const accessKeyId = generateAccessKeyId('ASIA');
      await tx.iam.deleteExpiredSessions(now);
      await tx.iam.createSession({
        accessKeyId,
        secretCiphertext: this.#registryKey.encrypt(secretAccessKey),
        sessionTokenHash: sha256(sessionToken),
        accountId: this.#accountId,
        roleArn: role.arn,
        sessionName,
        expiresAt: expiration,
      });
      return {
        accessKeyId,
        secretAccessKey,
        sessionToken,
        expiration,
        assumedRoleId: `${role.roleId}:${sessionName}`,
        arn: `arn:aws:sts::${this.#accountId}:assumed-role/${role.name}/${sessionName}`,
      };
    });
  }

  // ---- helpers -----------------------------------------------------------------------------

  #arn(kind: IamEntityKind, path: string, name: string): string {
    return `arn:aws:iam::${this.#accountId}:${kind}${path}${name}`;
  }

  #callerUserName(principal: Principal): string {
    if (principal.type !== 'user' || principal.userName === undefined) {
      throw new RegistryError('VALIDATION', 'Must specify userName when calling with non-User credentials');
    }
    return principal.userName;
  }

  /**
   * Looks the user or role up and authorises `action` on it. A missing entity is authorised on
   * the ARN it would have at path `/`, so that callers without permission learn nothing of it.
   */
  async #entity(tx: MetadataTx, caller: IamCaller, action: string, ref: IamEntityRef): Promise<IamUser | IamRole> {
    check(`${LABELS[ref.kind]}Name`, ref.name, NAME);
    const entity = ref.kind === 'user' ? await tx.iam.getUser(this.#accountId, ref.name) : await tx.iam.getRole(this.#accountId, ref.name);
    await this.#authorize(tx, caller, action, entity?.arn ?? this.#arn(ref.kind, '/', ref.name));
    if (!entity) throw noSuchEntity(ref);
    return entity;
  }

  #user(tx: MetadataTx, caller: IamCaller, action: string, name: string): Promise<IamUser> {
    return this.#entity(tx, caller, action, { kind: 'user', name }) as Promise<IamUser>;
  }

  #role(tx: MetadataTx, caller: IamCaller, action: string, name: string): Promise<IamRole> {
    return this.#entity(tx, caller, action, { kind: 'role', name }) as Promise<IamRole>;
  }

  /** Whose access keys an operation is about: the named user, else the caller (undefined: the root's own). */
  async #keyOwner(tx: MetadataTx, caller: IamCaller, action: string, userName: string | undefined): Promise<string | undefined> {
    const { principal } = caller;
    if (userName === undefined && principal.type === 'root') {
      await this.#authorize(tx, caller, action, principal.arn);
      return undefined;
    }
    return (await this.#user(tx, caller, action, userName ?? this.#callerUserName(principal))).name;
  }

  async #authorize(tx: MetadataTx, caller: IamCaller, action: string, resource: string): Promise<void> {
    const evaluation = this.#evaluate(caller, action, resource, await loadIdentityPolicies(tx, caller.principal.policyArn), []);
    if (evaluation.decision === 'Allow') return;
    const why = evaluation.decision === 'ExplicitDeny' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`;
    throw new RegistryError('DENIED', `User: ${caller.principal.arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`);
  }

  #evaluate(
    caller: IamCaller,
    action: string,
    resource: string,
    identity: PolicyDocument[],
    resourcePolicies: PolicyDocument[],
    extraContext: Readonly<Record<string, ContextEntry>> = {},
  ): PolicyEvaluation {
    const { principal, sourceIp } = caller;
    return evaluatePolicies(
      {
        principal: { arn: principal.arn, accountId: principal.accountId, type: principal.type, username: principal.userName, userId: principal.userId },
        action,
        resource,
        resourceAccountId: this.#accountId,
        context: { 'aws:CurrentTime': this.#clock.now(), 'aws:SecureTransport': false, ...(sourceIp ? { 'aws:SourceIp': sourceIp } : {}), ...extraContext },
      },
      { identity, resource: resourcePolicies },
    );
  }
}

function noSuchInlinePolicy(ref: IamEntityRef, policyName: string): RegistryError {
  return new RegistryError('IAM_NO_SUCH_ENTITY', `The ${ref.kind} policy with name ${policyName} cannot be found.`);
}

function checkPolicyArn(policyArn: string): void {
  check('PolicyArn', policyArn, ARN);
  if (!POLICY_ARN.test(policyArn)) throw new RegistryError('INVALID_PARAMETER', `ARN ${policyArn} is not valid.`);
}

type Fetch<T> = (last: string | undefined, limit: number) => Promise<readonly T[]>;

/** A Fetch over items already in memory, in key order. */
function pageOf<T>(items: readonly T[], key: (item: T) => string): Fetch<T> {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return async (last, limit) => sorted.filter((item) => last === undefined || key(item) > last).slice(0, limit);
}

/**
 * IAM's Marker/MaxItems paging over a source in key order: up to MaxItems items after the marker
 * that `keep` accepts, and a marker (the last key returned) when more follow.
 */
async function collectPage<T>(fetch: Fetch<T>, key: (item: T) => string, request: PageRequest, keep: (item: T) => boolean = () => true): Promise<Page<T>> {
  const maxItems = checkRange('MaxItems', request.maxItems ?? IAM_LIMITS.defaultMaxItems, 1, 1000);
  let last = request.marker === undefined ? undefined : check('Marker', request.marker, MARKER);
  const items: T[] = [];
  for (;;) {
    const batch = await fetch(last, PAGE_BATCH);
    for (const item of batch) {
      if (!keep(item)) continue;
      if (items.length === maxItems) return { items, marker: key(items[items.length - 1]!) };
      items.push(item);
    }
    if (batch.length < PAGE_BATCH) return { items };
    last = key(batch[batch.length - 1]!);
  }
}
