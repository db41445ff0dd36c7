import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { MAX_POLICY_TEXT_LENGTH, parseLifecyclePolicy } from '../../src/lifecycle/policy.js';

const PREFIX = "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ";

function errorOf(text: string): RegistryError {
  try {
    parseLifecyclePolicy(text);
  } catch (err) {
    if (err instanceof RegistryError) return err;
    throw err;
  }
  throw new Error(`expected the policy to be refused: ${text}`);
}

/** The reason part of ECR's message for a policy made of these rules. */
function reasonFor(rules: unknown): string {
  // Padded past the API's 100-character minimum so the policy itself is what gets judged.
  const err = errorOf(JSON.stringify({ rules }, null, 2).padEnd(100, ' '));
  expect(err.code).toBe('INVALID_PARAMETER');
  expect(err.message.startsWith(PREFIX)).toBe(true);
  expect(err.message.endsWith("'")).toBe(true);
  return err.message.slice(PREFIX.length, -1);
}

const sel = (extra: object = {}) => ({ tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1, ...extra });
const rule = (rulePriority: number, selection: object, action: object = { type: 'expire' }) => ({ rulePriority, selection, action });
const tagged = (rulePriority: number, extra: object) =>
  rule(rulePriority, { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 1, ...extra });

describe('parseLifecyclePolicy: accepted policies', () => {
  it('parses the ECR user guide template shape and normalises defaults', () => {
    const policy = parseLifecyclePolicy(
      JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: 'Expire images older than 14 days',
            selection: { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
            action: { type: 'expire' },
          },
        ],
      }),
    );
    expect(policy).toEqual({
      rules: [
        {
          rulePriority: 1,
          description: 'Expire images older than 14 days',
          selection: {
            tagStatus: 'tagged',
            tagFilter: { kind: 'pattern', values: ['prod*'] },
            countType: 'sinceImagePushed',
            countUnit: 'days',
            countNumber: 14,
            storageClass: 'standard',
          },
          action: { type: 'expire' },
        },
      ],
    });
  });

  it('sorts rules by priority; priorities need not be sequential', () => {
    const policy = parseLifecyclePolicy(
      JSON.stringify({
        rules: [
          tagged(30, { tagPrefixList: ['beta'] }),
          rule(100, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 5 }),
          tagged(7, { tagPrefixList: ['prod'] }),
          rule(12, sel()),
        ],
      }),
    );
    expect(policy.rules.map((r) => r.rulePriority)).toEqual([7, 12, 30, 100]);
    expect(policy.rules[0]?.selection.tagFilter).toEqual({ kind: 'prefix', values: ['prod'] });
  });

  it('accepts the archive pair: transition on last pull, then expire after 90 days in archive', () => {
    const policy = parseLifecyclePolicy(
      JSON.stringify({
        rules: [
          rule(
            1,
            { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 },
            { type: 'transition', targetStorageClass: 'archive' },
          ),
          rule(2, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 }),
        ],
      }),
    );
    expect(policy.rules.map((r) => [r.rulePriority, r.selection.storageClass, r.selection.countType, r.action])).toEqual([
      [1, 'standard', 'sinceImagePulled', { type: 'transition', targetStorageClass: 'archive' }],
      [2, 'archive', 'sinceImageTransitioned', { type: 'expire' }],
    ]);
  });

  it('lets each storage class have its own untagged rule and its own last `any` rule', () => {
    const policy = parseLifecyclePolicy(
      JSON.stringify({
        rules: [
          rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }),
          rule(2, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 10 }, { type: 'transition', targetStorageClass: 'archive' }),
          rule(3, { tagStatus: 'untagged', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 }),
          rule(4, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 365 }),
        ],
      }),
    );
    expect(policy.rules).toHaveLength(4);
  });

  it('accepts imageCountMoreThan and sinceImagePushed with a transition action, and explicit storageClass standard', () => {
    const policy = parseLifecyclePolicy(
      JSON.stringify({
        rules: [
          rule(1, { tagStatus: 'tagged', tagPrefixList: ['v'], storageClass: 'standard', countType: 'imageCountMoreThan', countNumber: 3 }, { type: 'transition', targetStorageClass: 'archive' }),
          rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }, { type: 'transition', targetStorageClass: 'archive' }),
        ],
      }),
    );
    expect(policy.rules.map((r) => r.action.type)).toEqual(['transition', 'transition']);
  });

  it('accepts four wildcards per pattern (the guide\'s valid example)', () => {
    const policy = parseLifecyclePolicy(JSON.stringify({ rules: [tagged(1, { tagPatternList: ['*test*1*2*3', 'test*1*2*3*'] })] }));
    expect(policy.rules[0]?.selection.tagFilter).toEqual({ kind: 'pattern', values: ['*test*1*2*3', 'test*1*2*3*'] });
  });

  it('accepts the same prefix set in different storage classes, and overlapping but different sets', () => {
    const policy = parseLifecyclePolicy(
      JSON.stringify({
        rules: [
          tagged(1, { tagPrefixList: ['alpha'] }),
          tagged(2, { tagPrefixList: ['alpha', 'beta'] }),
          tagged(3, { tagPatternList: ['alpha'] }),
          rule(4, { tagStatus: 'tagged', tagPrefixList: ['alpha'], storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 }),
        ],
      }),
    );
    expect(policy.rules).toHaveLength(4);
  });

  it('accepts the Wharf extension wharfProtectPulledWithinDays', () => {
    const policy = parseLifecyclePolicy(JSON.stringify({ rules: [rule(1, sel({ wharfProtectPulledWithinDays: 7 }))] }));
    expect(policy.rules[0]?.selection.wharfProtectPulledWithinDays).toBe(7);
  });

  it('accepts exactly 50 rules and a text of exactly 30,720 characters', () => {
    const rules = Array.from({ length: 50 }, (_, i) => tagged(i + 1, { tagPrefixList: [`team-${i}`] }));
    expect(parseLifecyclePolicy(JSON.stringify({ rules })).rules).toHaveLength(50);
    const base = JSON.stringify({ rules: [rule(1, sel())] });
    const padded = base.replace('{"rules"', `{${' '.repeat(MAX_POLICY_TEXT_LENGTH - base.length)}"rules"`);
    expect(padded).toHaveLength(MAX_POLICY_TEXT_LENGTH);
    expect(parseLifecyclePolicy(padded).rules).toHaveLength(1);
  });
});

describe('parseLifecyclePolicy: refused policies name the problem', () => {
  it('refuses text that is not JSON, or not an object, with ECR\'s wording', () => {
    const notJson = `{"rules": [${' '.repeat(120)}`;
    expect(errorOf(notJson).message).toBe(`${PREFIX}Could not map policyString into LifecyclePolicy.'`);
    expect(errorOf(`[${' '.repeat(120)}]`).message).toBe(`${PREFIX}Could not map policyString into LifecyclePolicy.'`);
  });

  it('refuses text over 30,720 characters and under 100 characters (the API length constraint)', () => {
    const long = JSON.stringify({ rules: [rule(1, sel({ padding: 'x'.repeat(MAX_POLICY_TEXT_LENGTH) }))] });
    const tooLong = errorOf(long);
    expect(tooLong.code).toBe('INVALID_PARAMETER');
    expect(tooLong.message).toContain('Member must have length less than or equal to 30720');
    expect(errorOf('{"rules":[]}').message).toContain('Member must have length greater than or equal to 100');
  });

  it('refuses a missing, non-array, empty or over-long rules list', () => {
    expect(errorOf(`{"ruls": [], "pad": "${'x'.repeat(100)}"}`).message).toBe(
      `${PREFIX}object has missing required properties (["rules"]) at /'`,
    );
    expect(reasonFor({ rulePriority: 1 })).toBe('instance type (object) does not match any allowed primitive type (allowed: ["array"]) at /rules');
    expect(errorOf(`{"rules": [], "x": "${'x'.repeat(100)}"}`).message).toContain('not allowed by the schema: (["x"])');
    expect(errorOf(`{"rules": []${' '.repeat(100)}}`).message).toBe(
      `${PREFIX}array is too short: must have at least 1 elements but instance has 0 elements at /rules'`,
    );
    const rules = Array.from({ length: 51 }, (_, i) => tagged(i + 1, { tagPrefixList: [`t${i}`] }));
    expect(reasonFor(rules)).toBe('array is too long: must have at most 50 elements but instance has 51 elements at /rules');
  });

  it('refuses missing and unknown properties at every level, naming them', () => {
    expect(reasonFor([{ rulePriority: 1, selection: sel() }])).toBe('object has missing required properties (["action"]) at /rules/0');
    expect(reasonFor([rule(1, { tagStatus: 'untagged', countNumber: 1 })])).toBe(
      'object has missing required properties (["countType"]) at /rules/0/selection',
    );
    expect(reasonFor([rule(1, sel(), {})])).toBe('object has missing required properties (["type"]) at /rules/0/action');
    expect(reasonFor([{ ...rule(1, sel()), priority: 2 }])).toBe(
      'object instance has properties which are not allowed by the schema: (["priority"]) at /rules/0',
    );
    expect(reasonFor([rule(1, sel({ tagRegex: '.*' }))])).toBe(
      'object instance has properties which are not allowed by the schema: (["tagRegex"]) at /rules/0/selection',
    );
    expect(reasonFor([rule(1, sel(), { type: 'expire', when: 'now' })])).toBe(
      'object instance has properties which are not allowed by the schema: (["when"]) at /rules/0/action',
    );
  });

  it('refuses wrong types, including null (as ECR does for `countUnit: null`)', () => {
    expect(reasonFor([rule(1, sel({ countType: 'sinceImagePushed', countUnit: null }))])).toBe(
      'instance type (null) does not match any allowed primitive type (allowed: ["string"]) at /rules/0/selection/countUnit',
    );
    expect(reasonFor([rule(1, sel({ countNumber: '5' }))])).toBe(
      'instance type (string) does not match any allowed primitive type (allowed: ["integer"]) at /rules/0/selection/countNumber',
    );
    expect(reasonFor([rule(1, sel({ countNumber: 1.5 }))])).toContain('instance type (number)');
    expect(reasonFor([{ ...rule(1, sel()), description: 7 }])).toContain('at /rules/0/description');
    expect(reasonFor(['rule'])).toBe('instance type (string) does not match any allowed primitive type (allowed: ["object"]) at /rules/0');
    expect(reasonFor([tagged(1, { tagPrefixList: 'prod' })])).toContain('(allowed: ["array"]) at /rules/0/selection/tagPrefixList');
    expect(reasonFor([tagged(1, { tagPrefixList: ['prod', 3] })])).toContain('at /rules/0/selection/tagPrefixList/1');
  });

  it('refuses values outside the enums, case-sensitively', () => {
    expect(reasonFor([rule(1, sel({ tagStatus: 'TAGGED' }))])).toBe(
      'instance value ("TAGGED") not found in enum (possible values: ["tagged","untagged","any"]) at /rules/0/selection/tagStatus',
    );
    expect(reasonFor([rule(1, sel({ countType: 'imageCountLessThan' }))])).toContain('not found in enum');
    expect(reasonFor([rule(1, sel({ countType: 'sinceImagePushed', countUnit: 'hours' }))])).toBe(
      'instance value ("hours") not found in enum (possible values: ["days"]) at /rules/0/selection/countUnit',
    );
    expect(reasonFor([rule(1, sel({ storageClass: 'glacier' }))])).toContain('at /rules/0/selection/storageClass');
    expect(reasonFor([rule(1, sel(), { type: 'delete' })])).toContain('possible values: ["expire","transition"]');
    expect(reasonFor([rule(1, sel(), { type: 'transition', targetStorageClass: 'standard' })])).toContain(
      'possible values: ["archive"]) at /rules/0/action/targetStorageClass',
    );
  });

  it('refuses rulePriority and countNumber below 1 (0 is not accepted)', () => {
    expect(reasonFor([rule(0, sel())])).toBe('numeric instance is lower than the required minimum (minimum: 1, found: 0) at /rules/0/rulePriority');
    expect(reasonFor([rule(1, sel({ countNumber: 0 }))])).toBe(
      'numeric instance is lower than the required minimum (minimum: 1, found: 0) at /rules/0/selection/countNumber',
    );
    expect(reasonFor([rule(1, sel({ wharfProtectPulledWithinDays: 0 }))])).toContain('/selection/wharfProtectPulledWithinDays');
  });

  it('refuses duplicate rulePriority values', () => {
    expect(reasonFor([tagged(2, { tagPrefixList: ['a'] }), tagged(2, { tagPrefixList: ['b'] })])).toBe(
      'rulePriority 2 is used by 2 rules; each rule must have a unique rulePriority',
    );
  });

  it('enforces the tag list rules of tagStatus', () => {
    expect(reasonFor([tagged(1, {})])).toBe('Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED. at /rules/0/selection');
    expect(reasonFor([tagged(1, { tagPrefixList: ['a'], tagPatternList: ['a*'] })])).toBe(
      'A rule may specify either tagPatternList or tagPrefixList, but not both. at /rules/0/selection',
    );
    expect(reasonFor([tagged(1, { tagPrefixList: [] })])).toBe(
      'array is too short: must have at least 1 elements but instance has 0 elements at /rules/0/selection/tagPrefixList',
    );
    expect(reasonFor([tagged(1, { tagPatternList: [''] })])).toContain('at /rules/0/selection/tagPatternList/0');
    expect(reasonFor([rule(1, sel({ tagPrefixList: ['a'] }))])).toBe(
      'tagPrefixList and tagPatternList must be omitted when tagStatus=UNTAGGED; they are only used with tagStatus=TAGGED. at /rules/0/selection',
    );
    expect(reasonFor([rule(1, sel({ tagStatus: 'any', tagPatternList: ['*'] }))])).toContain('when tagStatus=ANY');
    // The terraform gotcha: an empty list on an `any` rule is still a list.
    expect(reasonFor([rule(1, sel({ tagStatus: 'any', tagPrefixList: [] }))])).toContain('array is too short');
  });

  it('refuses more than four wildcards in a pattern (the guide\'s invalid example)', () => {
    expect(reasonFor([tagged(1, { tagPatternList: ['test*1*2*3*4*5*6'] })])).toBe(
      'tagPatternList entry "test*1*2*3*4*5*6" has 6 wildcards (*); the maximum is 4 per string at /rules/0/selection/tagPatternList/0',
    );
    expect(reasonFor([tagged(1, { tagPatternList: ['ok*', '*****'] })])).toContain('has 5 wildcards');
  });

  it('ties countUnit to the count type', () => {
    expect(reasonFor([rule(1, sel({ countUnit: 'days' }))])).toBe(
      'countUnit must not be specified when countType is imageCountMoreThan at /rules/0/selection/countUnit',
    );
    expect(reasonFor([rule(1, sel({ countType: 'sinceImagePushed' }))])).toBe(
      'countUnit days is required when countType is sinceImagePushed at /rules/0/selection',
    );
  });

  it('ties storage class and action to the count type', () => {
    const archiveSel = { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 };
    expect(reasonFor([rule(1, { ...archiveSel, storageClass: undefined })])).toBe(
      'storageClass archive is required when countType is sinceImageTransitioned at /rules/0/selection',
    );
    expect(reasonFor([rule(1, { ...archiveSel, storageClass: 'standard' })])).toContain('storageClass archive is required');
    expect(reasonFor([rule(1, { ...archiveSel, countNumber: 89 })])).toBe(
      'countNumber must be at least 90 when countType is sinceImageTransitioned: archived images have a minimum storage duration of 90 days at /rules/0/selection/countNumber',
    );
    expect(reasonFor([rule(1, archiveSel, { type: 'transition', targetStorageClass: 'archive' })])).toBe(
      'countType sinceImageTransitioned requires action type expire (rule 1)',
    );
    expect(reasonFor([rule(1, sel({ storageClass: 'archive' }))])).toBe(
      'storageClass must be standard when countType is imageCountMoreThan at /rules/0/selection/storageClass',
    );
    expect(reasonFor([rule(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 })])).toBe(
      'countType sinceImagePulled requires action type transition with targetStorageClass archive; images cannot be expired by last pull time (rule 1)',
    );
    expect(reasonFor([rule(1, sel(), { type: 'transition' })])).toBe(
      'targetStorageClass archive is required when action type is transition at /rules/0/action',
    );
    expect(reasonFor([rule(1, sel(), { type: 'expire', targetStorageClass: 'archive' })])).toBe(
      'targetStorageClass must not be specified when action type is expire at /rules/0/action/targetStorageClass',
    );
  });

  it('allows only one untagged rule per storage class', () => {
    expect(reasonFor([rule(1, sel()), rule(2, sel({ countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 }))])).toBe(
      'Only one rule can select Untagged images per storage class.',
    );
  });

  it('requires an `any` rule to have the highest rulePriority of its storage class', () => {
    const any = (p: number) => rule(p, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 3 });
    expect(reasonFor([any(1), tagged(2, { tagPrefixList: ['prod'] })])).toBe(
      'Rule for tagStatus=ANY must have the lowest priority per storage class',
    );
    expect(reasonFor([any(5), any(6)])).toBe('Rule for tagStatus=ANY must have the lowest priority per storage class');
    // An archive rule with a higher priority number does not count against a standard `any` rule.
    const archive = rule(9, { tagStatus: 'tagged', tagPrefixList: ['x'], storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 });
    expect(parseLifecyclePolicy(JSON.stringify({ rules: [any(1), archive] })).rules).toHaveLength(2);
  });

  it('requires a unique set of prefixes (or patterns) per storage class, order and repeats aside', () => {
    expect(reasonFor([tagged(1, { tagPrefixList: ['prod', 'beta'] }), tagged(2, { tagPrefixList: ['beta', 'prod', 'prod'] })])).toBe(
      'The rules selecting storage class standard must contain a unique set of prefixes: rules 1 and 2 have the same tagPrefixList',
    );
    expect(reasonFor([tagged(3, { tagPatternList: ['v*'] }), tagged(4, { tagPatternList: ['v*'] })])).toContain(
      'rules 3 and 4 have the same tagPatternList',
    );
  });
});
