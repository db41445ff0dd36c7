/**
 * Lifecycle policy text -> validated {@link LifecyclePolicy}, exactly as Amazon ECR accepts it.
 *
 * Pure: no I/O, no clock. `PutLifecyclePolicy`, `StartLifecyclePolicyPreview` and the apply job
 * all go through {@link parseLifecyclePolicy}, so a policy that previews is a policy that applies.
 *
 * Error messages follow ECR's wire text, `Invalid parameter at 'LifecyclePolicyText' failed to
 * satisfy constraint: 'Lifecycle policy validation failure: <reason>'`. Where ECR's own reason is
 * known it is used verbatim (its JSON-schema wording such as `object has missing required
 * properties (["countType"])`, `Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.`,
 * `Rule for tagStatus=ANY must have the lowest priority per storage class`, `Only one rule can
 * select Untagged images per storage class.`); schema-style reasons get the JSON pointer of the
 * offending value appended (`at /rules/0/selection`), because ECR's bare schema text does not say
 * which rule is wrong. The pointer is also in `RegistryError.detail`.
 *
 * Wharf extension (never changes what an ECR policy means, since ECR refuses unknown fields and
 * so no ECR policy can contain it): `selection.wharfProtectPulledWithinDays` (integer >= 1).
 * Images pulled within that many days are never expired or archived by that rule; they still
 * count when the rule ranks images.
 */
import { RegistryError } from '../errors/registry-error.js';

export type TagStatus = 'tagged' | 'untagged' | 'any';
export type CountType = 'imageCountMoreThan' | 'sinceImagePushed' | 'sinceImagePulled' | 'sinceImageTransitioned';
/** Storage class as spelt in policy text. Images use the API spelling (`STANDARD` | `ARCHIVE`). */
export type PolicyStorageClass = 'standard' | 'archive';
export type PolicyActionType = 'expire' | 'transition';

/** Tag filter of a `tagged` rule: prefixes (`startsWith`) or patterns (`*` wildcards, whole tag). */
export type TagFilter =
  | { readonly kind: 'prefix'; readonly values: readonly string[] }
  | { readonly kind: 'pattern'; readonly values: readonly string[] };

export interface LifecycleSelection {
  readonly tagStatus: TagStatus;
  /** Present exactly when `tagStatus` is `tagged`. */
  readonly tagFilter?: TagFilter;
  readonly countType: CountType;
  /** `days` for the `since*` count types, absent for `imageCountMoreThan`. */
  readonly countUnit?: 'days';
  readonly countNumber: number;
  /** Defaults to `standard` when the text omits it (as ECR does). */
  readonly storageClass: PolicyStorageClass;
  /** Wharf extension; see the module comment. */
  readonly wharfProtectPulledWithinDays?: number;
}

export interface LifecycleAction {
  readonly type: PolicyActionType;
  /** Present exactly when `type` is `transition`. */
  readonly targetStorageClass?: 'archive';
}

export interface LifecycleRule {
  readonly rulePriority: number;
  readonly description?: string;
  readonly selection: LifecycleSelection;
  readonly action: LifecycleAction;
}

export interface LifecyclePolicy {
  /** Sorted by `rulePriority`, lowest (applied first) to highest. */
  readonly rules: readonly LifecycleRule[];
}

/** ECR quotas: 50 rules per policy (not adjustable); `lifecyclePolicyText` length 100..30,720. */
export const MAX_RULES = 50;
export const MIN_POLICY_TEXT_LENGTH = 100;
export const MAX_POLICY_TEXT_LENGTH = 30_720;
/** "There is a maximum limit of four wildcards (*) per string." */
export const MAX_WILDCARDS_PER_PATTERN = 4;
/**
 * "Archived images have a minimum storage duration of 90 days. You cannot configure lifecycle
 * policies that delete images that have been in archive for less than 90 days." (ECR user guide,
 * Archiving an image), so a `sinceImageTransitioned` rule needs `countNumber >= 90`.
 */
export const MIN_DAYS_IN_ARCHIVE_BEFORE_EXPIRY = 90;
const MAX_INT32 = 2_147_483_647;

const TAG_STATUSES: readonly TagStatus[] = ['tagged', 'untagged', 'any'];
const COUNT_TYPES: readonly CountType[] = [
  'imageCountMoreThan',
  'sinceImagePushed',
  'sinceImagePulled',
  'sinceImageTransitioned',
];
const STORAGE_CLASSES: readonly PolicyStorageClass[] = ['standard', 'archive'];
const ACTION_TYPES: readonly PolicyActionType[] = ['expire', 'transition'];

const RULE_REQUIRED = ['rulePriority', 'selection', 'action'] as const;
const RULE_ALLOWED = new Set<string>(['rulePriority', 'description', 'selection', 'action']);
const SELECTION_REQUIRED = ['tagStatus', 'countType', 'countNumber'] as const;
const SELECTION_ALLOWED = new Set<string>([
  'tagStatus',
  'tagPrefixList',
  'tagPatternList',
  'countType',
  'countUnit',
  'countNumber',
  'storageClass',
  'wharfProtectPulledWithinDays',
]);
const ACTION_REQUIRED = ['type'] as const;
const ACTION_ALLOWED = new Set<string>(['type', 'targetStorageClass']);

const FAILURE_PREFIX = "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ";

function fail(reason: string, pointer?: string): never {
  const located = pointer === undefined ? reason : `${reason} at ${pointer === '' ? '/' : pointer}`;
  throw new RegistryError('INVALID_PARAMETER', `${FAILURE_PREFIX}${located}'`, {
    detail: { reason, ...(pointer === undefined ? {} : { pointer: pointer === '' ? '/' : pointer }) },
  });
}

/** The JSON-schema type name of a parsed JSON value, as ECR's validator reports it. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function wrongType(value: unknown, allowed: string, pointer: string): never {
  return fail(
    `instance type (${jsonType(value)}) does not match any allowed primitive type (allowed: ["${allowed}"])`,
    pointer,
  );
}

function expectObject(value: unknown, pointer: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) wrongType(value, 'object', pointer);
  return value as Record<string, unknown>;
}

function checkProperties(
  obj: Record<string, unknown>,
  required: readonly string[],
  allowed: ReadonlySet<string>,
  pointer: string,
): void {
  const missing = required.filter((key) => !Object.hasOwn(obj, key));
  if (missing.length > 0) fail(`object has missing required properties (${JSON.stringify(missing.sort())})`, pointer);
  const unknown = Object.keys(obj).filter((key) => !allowed.has(key));
  if (unknown.length > 0) {
    fail(`object instance has properties which are not allowed by the schema: (${JSON.stringify(unknown.sort())})`, pointer);
  }
}

function expectInteger(value: unknown, minimum: number, pointer: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) wrongType(value, 'integer', pointer);
  const n = value as number;
  if (n < minimum) fail(`numeric instance is lower than the required minimum (minimum: ${minimum}, found: ${n})`, pointer);
  if (n > MAX_INT32) fail(`numeric instance is greater than the required maximum (maximum: ${MAX_INT32}, found: ${n})`, pointer);
  return n;
}

function expectString(value: unknown, pointer: string): string {
  if (typeof value !== 'string') wrongType(value, 'string', pointer);
  return value as string;
}

function expectEnum<T extends string>(value: unknown, allowed: readonly T[], pointer: string): T {
  const s = expectString(value, pointer);
  if (!(allowed as readonly string[]).includes(s)) {
    fail(`instance value (${JSON.stringify(s)}) not found in enum (possible values: ${JSON.stringify(allowed)})`, pointer);
  }
  return s as T;
}

function expectTagList(value: unknown, pointer: string): string[] {
  if (!Array.isArray(value)) wrongType(value, 'array', pointer);
  const list = value as unknown[];
  if (list.length === 0) {
    fail('array is too short: must have at least 1 elements but instance has 0 elements', pointer);
  }
  return list.map((entry, i) => {
    const s = expectString(entry, `${pointer}/${i}`);
    if (s.length === 0) {
      fail('string "" is too short (length: 0, required minimum: 1)', `${pointer}/${i}`);
    }
    return s;
  });
}

function countCodePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Parses and validates lifecycle policy text. Throws `RegistryError('INVALID_PARAMETER')` naming
 * the first problem found; structural problems are reported before cross-rule ones.
 */
export function parseLifecyclePolicy(text: string): LifecyclePolicy {
  if (typeof text !== 'string') {
    throw new RegistryError('INVALID_PARAMETER', "Invalid parameter at 'LifecyclePolicyText': a string is required");
  }
  // The API's length constraint on lifecyclePolicyText, checked before the text is read.
  const length = text.length > MAX_POLICY_TEXT_LENGTH * 2 ? text.length : countCodePoints(text);
  if (length > MAX_POLICY_TEXT_LENGTH) {
    throw new RegistryError(
      'INVALID_PARAMETER',
      `1 validation error detected: Value at 'lifecyclePolicyText' failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_TEXT_LENGTH}`,
      { detail: { reason: 'too long', length, maximum: MAX_POLICY_TEXT_LENGTH } },
    );
  }
  if (length < MIN_POLICY_TEXT_LENGTH) {
    throw new RegistryError(
      'INVALID_PARAMETER',
      `1 validation error detected: Value at 'lifecyclePolicyText' failed to satisfy constraint: Member must have length greater than or equal to ${MIN_POLICY_TEXT_LENGTH}`,
      { detail: { reason: 'too short', length, minimum: MIN_POLICY_TEXT_LENGTH } },
    );
  }

  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    fail('Could not map policyString into LifecyclePolicy.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    fail('Could not map policyString into LifecyclePolicy.');
  }
  const root = doc as Record<string, unknown>;
  checkProperties(root, ['rules'], new Set(['rules']), '');
  if (!Array.isArray(root.rules)) wrongType(root.rules, 'array', '/rules');
  const rawRules = root.rules as unknown[];
  if (rawRules.length === 0) {
    fail('array is too short: must have at least 1 elements but instance has 0 elements', '/rules');
  }
  if (rawRules.length > MAX_RULES) {
    fail(`array is too long: must have at most ${MAX_RULES} elements but instance has ${rawRules.length} elements`, '/rules');
  }

  const rules = rawRules.map((raw, i) => parseRule(raw, `/rules/${i}`));
  checkAcrossRules(rules);
  return { rules: [...rules].sort((a, b) => a.rulePriority - b.rulePriority) };
}

function parseRule(raw: unknown, pointer: string): LifecycleRule {
  const obj = expectObject(raw, pointer);
  checkProperties(obj, RULE_REQUIRED, RULE_ALLOWED, pointer);
  const rulePriority = expectInteger(obj.rulePriority, 1, `${pointer}/rulePriority`);
  const description = obj.description === undefined ? undefined : expectString(obj.description, `${pointer}/description`);
  const selection = parseSelection(obj.selection, `${pointer}/selection`);
  const action = parseAction(obj.action, `${pointer}/action`);

  // Combinations of count type, storage class and action (ECR user guide, lifecycle policy
  // properties; "sinceImagePulled" rules archive, they never delete).
  const { countType, storageClass } = selection;
  if (countType === 'sinceImageTransitioned' && action.type !== 'expire') {
    fail(`countType sinceImageTransitioned requires action type expire (rule ${rulePriority})`);
  }
  if (countType === 'sinceImagePulled' && action.type !== 'transition') {
    fail(
      `countType sinceImagePulled requires action type transition with targetStorageClass archive; images cannot be expired by last pull time (rule ${rulePriority})`,
    );
  }
  if (action.type === 'transition' && storageClass !== 'standard') {
    fail(`only images of storage class standard can be transitioned (rule ${rulePriority})`);
  }

  return {
    rulePriority,
    ...(description === undefined ? {} : { description }),
    selection,
    action,
  };
}

function parseSelection(raw: unknown, pointer: string): LifecycleSelection {
  const obj = expectObject(raw, pointer);
  checkProperties(obj, SELECTION_REQUIRED, SELECTION_ALLOWED, pointer);

  const tagStatus = expectEnum(obj.tagStatus, TAG_STATUSES, `${pointer}/tagStatus`);
  const prefixes = obj.tagPrefixList === undefined ? undefined : expectTagList(obj.tagPrefixList, `${pointer}/tagPrefixList`);
  const patterns = obj.tagPatternList === undefined ? undefined : expectTagList(obj.tagPatternList, `${pointer}/tagPatternList`);
  const countType = expectEnum(obj.countType, COUNT_TYPES, `${pointer}/countType`);
  const countUnit = obj.countUnit === undefined ? undefined : expectEnum(obj.countUnit, ['days'] as const, `${pointer}/countUnit`);
  const countNumber = expectInteger(obj.countNumber, 1, `${pointer}/countNumber`);
  const storageClassGiven =
    obj.storageClass === undefined ? undefined : expectEnum(obj.storageClass, STORAGE_CLASSES, `${pointer}/storageClass`);
  const protect =
    obj.wharfProtectPulledWithinDays === undefined
      ? undefined
      : expectInteger(obj.wharfProtectPulledWithinDays, 1, `${pointer}/wharfProtectPulledWithinDays`);

  let tagFilter: TagFilter | undefined;
  if (tagStatus === 'tagged') {
    if (prefixes === undefined && patterns === undefined) {
      fail('Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.', pointer);
    }
    if (prefixes !== undefined && patterns !== undefined) {
      fail('A rule may specify either tagPatternList or tagPrefixList, but not both.', pointer);
    }
    if (patterns !== undefined) {
      patterns.forEach((pattern, i) => {
        const wildcards = pattern.split('*').length - 1;
        if (wildcards > MAX_WILDCARDS_PER_PATTERN) {
          fail(
            `tagPatternList entry ${JSON.stringify(pattern)} has ${wildcards} wildcards (*); the maximum is ${MAX_WILDCARDS_PER_PATTERN} per string`,
            `${pointer}/tagPatternList/${i}`,
          );
        }
      });
      tagFilter = { kind: 'pattern', values: patterns };
    } else {
      tagFilter = { kind: 'prefix', values: prefixes as string[] };
    }
  } else if (prefixes !== undefined || patterns !== undefined) {
    fail(
      `tagPrefixList and tagPatternList must be omitted when tagStatus=${tagStatus.toUpperCase()}; they are only used with tagStatus=TAGGED.`,
      pointer,
    );
  }

  if (countType === 'imageCountMoreThan') {
    if (countUnit !== undefined) {
      fail('countUnit must not be specified when countType is imageCountMoreThan', `${pointer}/countUnit`);
    }
  } else if (countUnit === undefined) {
    fail(`countUnit days is required when countType is ${countType}`, pointer);
  }

  let storageClass: PolicyStorageClass;
  if (countType === 'sinceImageTransitioned') {
    if (storageClassGiven !== 'archive') {
      fail('storageClass archive is required when countType is sinceImageTransitioned', pointer);
    }
    if (countNumber < MIN_DAYS_IN_ARCHIVE_BEFORE_EXPIRY) {
      fail(
        `countNumber must be at least ${MIN_DAYS_IN_ARCHIVE_BEFORE_EXPIRY} when countType is sinceImageTransitioned: archived images have a minimum storage duration of ${MIN_DAYS_IN_ARCHIVE_BEFORE_EXPIRY} days`,
        `${pointer}/countNumber`,
      );
    }
    storageClass = 'archive';
  } else {
    if (storageClassGiven === 'archive') {
      fail(`storageClass must be standard when countType is ${countType}`, `${pointer}/storageClass`);
    }
    storageClass = 'standard';
  }

  return {
    tagStatus,
    ...(tagFilter === undefined ? {} : { tagFilter }),
    countType,
    ...(countUnit === undefined ? {} : { countUnit }),
    countNumber,
    storageClass,
    ...(protect === undefined ? {} : { wharfProtectPulledWithinDays: protect }),
  };
}

function parseAction(raw: unknown, pointer: string): LifecycleAction {
  const obj = expectObject(raw, pointer);
  checkProperties(obj, ACTION_REQUIRED, ACTION_ALLOWED, pointer);
  const type = expectEnum(obj.type, ACTION_TYPES, `${pointer}/type`);
  const target =
    obj.targetStorageClass === undefined
      ? undefined
      : expectEnum(obj.targetStorageClass, ['archive'] as const, `${pointer}/targetStorageClass`);
  if (type === 'transition') {
    if (target === undefined) fail('targetStorageClass archive is required when action type is transition', pointer);
    return { type, targetStorageClass: target };
  }
  if (target !== undefined) {
    fail('targetStorageClass must not be specified when action type is expire', `${pointer}/targetStorageClass`);
  }
  return { type };
}

/** The rules that only make sense across a whole policy. */
function checkAcrossRules(rules: readonly LifecycleRule[]): void {
  const byPriority = new Map<number, number>();
  for (const rule of rules) {
    byPriority.set(rule.rulePriority, (byPriority.get(rule.rulePriority) ?? 0) + 1);
  }
  for (const [priority, count] of byPriority) {
    if (count > 1) {
      fail(`rulePriority ${priority} is used by ${count} rules; each rule must have a unique rulePriority`);
    }
  }

  for (const storageClass of STORAGE_CLASSES) {
    const group = rules.filter((r) => r.selection.storageClass === storageClass);
    if (group.length === 0) continue;

    // "Only one rule selecting a specific storage class is allowed to select untagged images."
    // (An `any` rule also sees untagged images; ECR's own example pairs one with an untagged rule.)
    const untagged = group.filter((r) => r.selection.tagStatus === 'untagged');
    if (untagged.length > 1) fail('Only one rule can select Untagged images per storage class.');

    // "A rule with a tagStatus value of any must have the highest value for rulePriority and be
    // evaluated last" — per storage class, as ECR's own error text says. This also allows at most
    // one `any` rule per storage class.
    const highest = Math.max(...group.map((r) => r.rulePriority));
    for (const rule of group) {
      if (rule.selection.tagStatus === 'any' && rule.rulePriority !== highest) {
        fail('Rule for tagStatus=ANY must have the lowest priority per storage class');
      }
    }

    // "The set of all rules selecting a specific storage class must contain a unique set of
    // prefixes": no two rules of one storage class may filter on the same set of tag prefixes
    // (or the same set of tag patterns). Order and repetition inside a list do not matter.
    const seen = new Map<string, number>();
    for (const rule of group) {
      const filter = rule.selection.tagFilter;
      if (filter === undefined) continue;
      const key = `${filter.kind}:${JSON.stringify([...new Set(filter.values)].sort())}`;
      const other = seen.get(key);
      if (other !== undefined) {
        const list = filter.kind === 'prefix' ? 'tagPrefixList' : 'tagPatternList';
        fail(
          `The rules selecting storage class ${storageClass} must contain a unique set of prefixes: rules ${other} and ${rule.rulePriority} have the same ${list}`,
        );
      }
      seen.set(key, rule.rulePriority);
    }
  }
}
