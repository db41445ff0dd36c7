import { Type } from '@sinclair/typebox';
import { RegistryError } from '../../../errors/registry-error.js';
import { parsePolicyDocument, type PolicyDocument } from '../../../policy/document.js';
import { evaluatePolicies } from '../../../policy/evaluate.js';
import { REGISTRY_POLICY_KEY } from '../../../policy/iam-authorizer.js';
import { defineAction, type ActionContext } from '../action.js';
import { RegistryIdSchema, registryIdOf, RepositoryNameSchema } from '../ecr-inputs.js';
import { PolicyTextSchema, requireOwnRegistry } from '../repository-wire.js';

/** Registry-document key of the replication configuration (PutReplicationConfiguration writes it). */
const REPLICATION_CONFIGURATION_KEY = 'replicationConfiguration';

const RepositoryInput = { registryId: Type.Optional(RegistryIdSchema), repositoryName: RepositoryNameSchema };

function policyNotFound(repositoryName: string, context: ActionContext): RegistryError {
  return new RegistryError(
    'REPOSITORY_POLICY_NOT_FOUND',
    `Repository policy does not exist for the repository with name '${repositoryName}' in the registry with id '${registryIdOf(context)}'`,
  );
}

function registryPolicyNotFound(context: ActionContext): RegistryError {
  return new RegistryError('REGISTRY_POLICY_NOT_FOUND', `Registry policy does not exist in the registry with id '${registryIdOf(context)}'`);
}

/**
 * Whether the new repository policy would explicitly deny the caller ecr:SetRepositoryPolicy on
 * the repository, i.e. lock them out of changing it again (ECR's reason for `force`).
 */
function locksOutCaller(document: PolicyDocument, repositoryName: string, context: ActionContext): boolean {
  const { principal, services } = context;
  const evaluation = evaluatePolicies(
    {
      principal: { ...principal, username: principal.userName },
      action: 'ecr:SetRepositoryPolicy',
      resource: services.repositories.arn(repositoryName),
      resourceAccountId: services.config.accountId,
      context: { 'aws:CurrentTime': services.clock.now(), 'aws:SecureTransport': false, 'aws:SourceIp': context.sourceIp },
    },
    { identity: [], resource: [document] },
  );
  return evaluation.decision === 'ExplicitDeny';
}

/** SetRepositoryPolicy: a valid resource policy; one that would lock the caller out needs `force`. */
export const setRepositoryPolicy = defineAction({
  name: 'SetRepositoryPolicy',
  iamAction: 'ecr:SetRepositoryPolicy',
  input: Type.Object({ ...RepositoryInput, policyText: PolicyTextSchema, force: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  resource: (input) => input.repositoryName,
  async handle(input, context) {
    requireOwnRegistry(context, input);
    const document = parsePolicyDocument(input.policyText, 'resource');
    if (!input.force && locksOutCaller(document, input.repositoryName, context)) {
      throw new RegistryError(
        'INVALID_PARAMETER',
        'Invalid parameter: the policy would prevent you from setting a repository policy in the future; use force to set it anyway',
      );
    }
    await context.services.repositories.update(input.repositoryName, (tx, repository) => tx.repositories.setPolicy(repository.id, input.policyText));
    return { registryId: registryIdOf(context), repositoryName: input.repositoryName, policyText: input.policyText };
  },
});

export const getRepositoryPolicy = defineAction({
  name: 'GetRepositoryPolicy',
  iamAction: 'ecr:GetRepositoryPolicy',
  input: Type.Object(RepositoryInput, { additionalProperties: false }),
  resource: (input) => input.repositoryName,
  async handle(input, context) {
    requireOwnRegistry(context, input);
    const repository = await context.services.repositories.read(input.repositoryName, async (_tx, found) => found);
    if (repository.policy === undefined) throw policyNotFound(input.repositoryName, context);
    return { registryId: registryIdOf(context), repositoryName: repository.name, policyText: repository.policy };
  },
});

/** DeleteRepositoryPolicy: answers with the policy it removed. */
export const deleteRepositoryPolicy = defineAction({
  name: 'DeleteRepositoryPolicy',
  iamAction: 'ecr:DeleteRepositoryPolicy',
  input: Type.Object(RepositoryInput, { additionalProperties: false }),
  resource: (input) => input.repositoryName,
  async handle(input, context) {
    requireOwnRegistry(context, input);
    const policyText = await context.services.repositories.update(input.repositoryName, async (tx, repository) => {
      if (repository.policy === undefined) throw policyNotFound(input.repositoryName, context);
      await tx.repositories.setPolicy(repository.id, undefined);
      return repository.policy;
    });
    return { registryId: registryIdOf(context), repositoryName: input.repositoryName, policyText };
  },
});

export const putRegistryPolicy = defineAction({
  name: 'PutRegistryPolicy',
  iamAction: 'ecr:PutRegistryPolicy',
  input: Type.Object({ policyText: PolicyTextSchema }, { additionalProperties: false }),
  resource: () => undefined,
  async handle(input, context) {
    parsePolicyDocument(input.policyText, 'resource');
    const { metadata, clock } = context.services;
    await metadata.write((tx) => tx.registry.set(REGISTRY_POLICY_KEY, input.policyText, clock.now()));
    return { registryId: registryIdOf(context), policyText: input.policyText };
  },
});

export const getRegistryPolicy = defineAction({
  name: 'GetRegistryPolicy',
  iamAction: 'ecr:GetRegistryPolicy',
  input: Type.Object({}, { additionalProperties: false }),
  resource: () => undefined,
  async handle(_input, context) {
    const policyText = await context.services.metadata.read((tx) => tx.registry.get(REGISTRY_POLICY_KEY));
    if (policyText === undefined) throw registryPolicyNotFound(context);
    return { registryId: registryIdOf(context), policyText };
  },
});

/** DeleteRegistryPolicy: answers with the policy it removed. */
export const deleteRegistryPolicy = defineAction({
  name: 'DeleteRegistryPolicy',
  iamAction: 'ecr:DeleteRegistryPolicy',
  input: Type.Object({}, { additionalProperties: false }),
  resource: () => undefined,
  async handle(_input, context) {
    const { metadata, clock } = context.services;
    const policyText = await metadata.write(async (tx) => {
      const current = await tx.registry.get(REGISTRY_POLICY_KEY);
      if (current === undefined) throw registryPolicyNotFound(context);
      await tx.registry.set(REGISTRY_POLICY_KEY, undefined, clock.now());
      return current;
    });
    return { registryId: registryIdOf(context), policyText };
  },
});

/** DescribeRegistry: the registry id and its replication configuration (no rules until one is put). */
export const describeRegistry = defineAction({
  name: 'DescribeRegistry',
  iamAction: 'ecr:DescribeRegistry',
  input: Type.Object({}, { additionalProperties: false }),
  resource: () => undefined,
  async handle(_input, context) {
    const stored = await context.services.metadata.read((tx) => tx.registry.get(REPLICATION_CONFIGURATION_KEY));
    const replicationConfiguration = stored === undefined ? { rules: [] } : (JSON.parse(stored) as unknown);
    return { registryId: registryIdOf(context), replicationConfiguration };
  },
});

export const POLICY_ACTIONS = [
  setRepositoryPolicy,
  getRepositoryPolicy,
  deleteRepositoryPolicy,
  putRegistryPolicy,
  getRegistryPolicy,
  deleteRegistryPolicy,
  describeRegistry,
];
