import { Type, type Static } from '@sinclair/typebox';
import { mergeResourceTags } from '../../../domain/resource-tags.js';
import { checkTagMutability, usesExclusionFilters } from '../../../domain/tag-mutability.js';
import { normalizeTemplatePrefix } from '../../../domain/template-prefix.js';
import { RegistryError } from '../../../errors/registry-error.js';
import { parsePolicyDocument } from '../../../policy/document.js';
import type { CreationTemplate, MetadataTx } from '../../../storage/metadata/metadata-store.js';
import { defineAction, type ActionContext } from '../action.js';
import { registryIdOf } from '../ecr-inputs.js';
import { fetchPage, MaxResultsSchema } from '../paging.js';
import {
  checkEncryptionConfiguration,
  EncryptionTypeSchema,
  ExclusionFiltersSchema,
  ImageTagMutabilitySchema,
  PolicyTextSchema,
  TagListSchema,
  templateWire,
} from '../repository-wire.js';

/** ECR's Prefix: a repository namespace (an assumed `/` follows it) or ROOT. */
const PrefixSchema = Type.String({
  minLength: 1,
  maxLength: 256,
  pattern: '^([a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*\\/?|ROOT)$',
});

const AppliedForSchema = Type.Array(Type.Union([Type.Literal('REPLICATION'), Type.Literal('PULL_THROUGH_CACHE'), Type.Literal('CREATE_ON_PUSH')]), {
  minItems: 1,
});

/** The template's members besides prefix and appliedFor, with the model's constraints. */
const TemplateFields = {
  description: Type.Optional(Type.String({ maxLength: 256 })),
  encryptionConfiguration: Type.Optional(
    Type.Object(
      {
        encryptionType: EncryptionTypeSchema,
        kmsKey: Type.Optional(Type.String({ maxLength: 2048, pattern: '^$|arn:aws[a-z0-9-]*:kms:[a-z0-9-]+:[0-9]{12}:key\\/[a-z0-9-]+' })),
      },
      { additionalProperties: false },
    ),
  ),
  resourceTags: Type.Optional(TagListSchema),
  imageTagMutability: Type.Optional(ImageTagMutabilitySchema),
  imageTagMutabilityExclusionFilters: Type.Optional(ExclusionFiltersSchema),
  repositoryPolicy: Type.Optional(PolicyTextSchema),
  lifecyclePolicy: Type.Optional(Type.String({ maxLength: 30_720 })),
  customRoleArn: Type.Optional(Type.String({ maxLength: 2048 })),
};

const TemplateInputSchema = Type.Object({ prefix: PrefixSchema, appliedFor: Type.Optional(AppliedForSchema), ...TemplateFields });
type TemplateInput = Static<typeof TemplateInputSchema>;

function templateNotFound(prefix: string, context: ActionContext): RegistryError {
  return new RegistryError('TEMPLATE_NOT_FOUND', `Repository creation template with prefix '${prefix}' does not exist in the registry with id '${registryIdOf(context)}'`);
}

/** A policy text member: absent keeps the current value, the empty string clears it. */
function text(given: string | undefined, current: string | undefined): string | undefined {
  if (given === undefined) return current;
  return given === '' ? undefined : given;
}

/** The lifecycle policy must at least be a JSON object with a `rules` list; the lifecycle engine judges the rules when it applies them. */
function checkLifecyclePolicy(policy: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { rules?: unknown }).rules)) {
    throw new RegistryError('INVALID_PARAMETER', "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: a JSON object with a rules list is required'");
  }
}

/**
 * The template a create (no `base`) or an update (members absent keep `base`'s values) yields,
 * every member checked as ECR checks it.
 */
function resolveTemplate(input: TemplateInput, base: CreationTemplate | undefined, now: Date): CreationTemplate {
  const appliedFor = input.appliedFor ? [...new Set(input.appliedFor)] : base?.appliedFor;
  if (!appliedFor) throw new RegistryError('INVALID_PARAMETER', "Invalid parameter: 'appliedFor' is required");
  const imageTagMutability = input.imageTagMutability ?? base?.imageTagMutability ?? 'MUTABLE';
  const keptFilters = usesExclusionFilters(imageTagMutability) ? base?.imageTagMutabilityExclusionFilters : undefined;
  const repositoryPolicy = text(input.repositoryPolicy, base?.repositoryPolicy);
  if (input.repositoryPolicy && repositoryPolicy !== undefined) parsePolicyDocument(repositoryPolicy, 'resource');
  const lifecyclePolicy = text(input.lifecyclePolicy, base?.lifecyclePolicy);
  if (input.lifecyclePolicy && lifecyclePolicy !== undefined) checkLifecyclePolicy(lifecyclePolicy);
  return {
    prefix: normalizeTemplatePrefix(input.prefix),
    description: text(input.description, base?.description),
    encryptionConfiguration: input.encryptionConfiguration ? checkEncryptionConfiguration(input.encryptionConfiguration) : base?.encryptionConfiguration,
    resourceTags: input.resourceTags ? mergeResourceTags([], input.resourceTags) : (base?.resourceTags ?? []),
    imageTagMutability,
    imageTagMutabilityExclusionFilters: checkTagMutability(imageTagMutability, input.imageTagMutabilityExclusionFilters ?? keptFilters),
    repositoryPolicy,
    lifecyclePolicy,
    appliedFor,
    customRoleArn: text(input.customRoleArn, base?.customRoleArn),
    createdAt: base?.createdAt ?? now,
    updatedAt: now,
  };
}

/** Runs `fn` on the stored template in a write transaction, or TemplateNotFoundException. */
async function withTemplate<T>(context: ActionContext, prefix: string, fn: (tx: MetadataTx, template: CreationTemplate) => Promise<T>): Promise<T> {
  const normalized = normalizeTemplatePrefix(prefix);
  return context.services.metadata.write(async (tx) => {
    const template = await tx.templates.get(normalized);
    if (!template) throw templateNotFound(normalized, context);
    return fn(tx, template);
  });
}

export const createRepositoryCreationTemplate = defineAction({
  name: 'CreateRepositoryCreationTemplate',
  iamAction: 'ecr:CreateRepositoryCreationTemplate',
  input: Type.Object({ prefix: PrefixSchema, appliedFor: AppliedForSchema, ...TemplateFields }, { additionalProperties: false }),
  resource: () => undefined,
  async handle(input, context) {
    const { metadata, clock } = context.services;
    const template = resolveTemplate(input, undefined, clock.now());
    await metadata.write(async (tx) => {
      if (await tx.templates.get(template.prefix)) {
        throw new RegistryError(
          'TEMPLATE_ALREADY_EXISTS',
          `Repository creation template with prefix '${template.prefix}' already exists in the registry with id '${registryIdOf(context)}'`,
        );
      }
      await tx.templates.create(template);
    });
    return { registryId: registryIdOf(context), repositoryCreationTemplate: templateWire(template) };
  },
});

/** DescribeRepositoryCreationTemplates: the templates of the prefixes given (unknown ones are left out) or all, by prefix, paged. */
export const describeRepositoryCreationTemplates = defineAction({
  name: 'DescribeRepositoryCreationTemplates',
  iamAction: 'ecr:DescribeRepositoryCreationTemplates',
  input: Type.Object(
    { prefixes: Type.Optional(Type.Array(PrefixSchema)), nextToken: Type.Optional(Type.String()), maxResults: Type.Optional(MaxResultsSchema) },
    { additionalProperties: false },
  ),
  resource: () => undefined,
  async handle(input, context) {
    const { metadata } = context.services;
    const wanted = input.prefixes && [...new Set(input.prefixes.map(normalizeTemplatePrefix))].sort();
    const page = await fetchPage(
      'DescribeRepositoryCreationTemplates',
      input,
      (p) =>
        metadata.read(async (tx) => {
          if (!wanted) return tx.templates.list(p);
          const found: CreationTemplate[] = [];
          for (const prefix of wanted) {
            if (found.length >= p.limit) break;
            if (p.last !== undefined && prefix <= p.last) continue;
            const template = await tx.templates.get(prefix);
            if (template) found.push(template);
          }
          return found;
        }),
      (t) => t.prefix,
    );
    return {
      registryId: registryIdOf(context),
      repositoryCreationTemplates: page.items.map(templateWire),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  },
});

/** UpdateRepositoryCreationTemplate: members given replace the stored ones; the empty string clears a text member. */
export const updateRepositoryCreationTemplate = defineAction({
  name: 'UpdateRepositoryCreationTemplate',
  iamAction: 'ecr:UpdateRepositoryCreationTemplate',
  input: Type.Object({ prefix: PrefixSchema, appliedFor: Type.Optional(AppliedForSchema), ...TemplateFields }, { additionalProperties: false }),
  resource: () => undefined,
  async handle(input, context) {
    const template = await withTemplate(context, input.prefix, async (tx, stored) => {
      const updated = resolveTemplate(input, stored, context.services.clock.now());
      await tx.templates.update(updated);
      return updated;
    });
    return { registryId: registryIdOf(context), repositoryCreationTemplate: templateWire(template) };
  },
});

/** DeleteRepositoryCreationTemplate: answers with the template it removed. */
export const deleteRepositoryCreationTemplate = defineAction({
  name: 'DeleteRepositoryCreationTemplate',
  iamAction: 'ecr:DeleteRepositoryCreationTemplate',
  input: Type.Object({ prefix: PrefixSchema }, { additionalProperties: false }),
  resource: () => undefined,
  async handle(input, context) {
    const template = await withTemplate(context, input.prefix, async (tx, stored) => {
      await tx.templates.delete(stored.prefix);
      return stored;
    });
    return { registryId: registryIdOf(context), repositoryCreationTemplate: templateWire(template) };
  },
});

export const CREATION_TEMPLATE_ACTIONS = [
  createRepositoryCreationTemplate,
  describeRepositoryCreationTemplates,
  updateRepositoryCreationTemplate,
  deleteRepositoryCreationTemplate,
];
