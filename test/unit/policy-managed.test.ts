import { describe, expect, it } from 'vitest';
import type { PolicyDecision } from '../../src/policy/evaluate.js';
import {
  AMAZON_EC2_CONTAINER_REGISTRY_FULL_ACCESS,
  AMAZON_EC2_CONTAINER_REGISTRY_POWER_USER,
  AMAZON_EC2_CONTAINER_REGISTRY_PULL_ONLY,
  AMAZON_EC2_CONTAINER_REGISTRY_READ_ONLY,
  MANAGED_POLICIES,
  findManagedPolicy,
  type ManagedPolicy,
} from '../../src/policy/managed-policies.js';
import { ACCOUNT, BOB, OTHER_ACCOUNT, decide, request, resourcePolicy, titled } from './policy-fixtures.js';

function decideWith(policy: ManagedPolicy, action: string, resource = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/team/app`, context = {}): PolicyDecision {
  return decide(request({ action, resource, context }), { identity: [policy.document] });
}

describe('AWS managed ECR policies', () => {
  it('are identity policies published under arn:aws:iam::aws:policy/', () => {
    expect(MANAGED_POLICIES.map((policy) => policy.arn)).toEqual([
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser',
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryFullAccess',
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly',
    ]);
    for (const policy of MANAGED_POLICIES) {
      expect(policy.document.kind).toBe('identity');
      expect(policy.document.version).toBe('2012-10-17');
    }
    expect(findManagedPolicy('arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser')).toBe(AMAZON_EC2_CONTAINER_REGISTRY_POWER_USER);
    expect(findManagedPolicy('arn:aws:iam::aws:policy/AdministratorAccess')).toBeUndefined();
  });

  it('ReadOnly lists the twelve read actions AWS publishes', () => {
    expect(AMAZON_EC2_CONTAINER_REGISTRY_READ_ONLY.document.statements[0]?.action.patterns).toEqual([
      'ecr:GetAuthorizationToken',
      'ecr:BatchCheckLayerAvailability',
      'ecr:GetDownloadUrlForLayer',
      'ecr:GetRepositoryPolicy',
      'ecr:DescribeRepositories',
      'ecr:ListImages',
      'ecr:DescribeImages',
      'ecr:BatchGetImage',
      'ecr:GetLifecyclePolicy',
      'ecr:GetLifecyclePolicyPreview',
      'ecr:ListTagsForResource',
      'ecr:DescribeImageScanFindings',
    ]);
  });

  it.each(
    titled<[string, ManagedPolicy, string, PolicyDecision]>([
      ['ReadOnly pulls a manifest', AMAZON_EC2_CONTAINER_REGISTRY_READ_ONLY, 'ecr:BatchGetImage', 'Allow'],
      ['ReadOnly pulls a layer', AMAZON_EC2_CONTAINER_REGISTRY_READ_ONLY, 'ecr:GetDownloadUrlForLayer', 'Allow'],
      ['ReadOnly lists images', AMAZON_EC2_CONTAINER_REGISTRY_READ_ONLY, 'ecr:ListImages', 'Allow'],
      ['ReadOnly cannot push', AMAZON_EC2_CONTAINER_REGISTRY_READ_ONLY, 'ecr:PutImage', 'ImplicitDeny'],
      ['ReadOnly cannot start an upload', AMAZON_EC2_CONTAINER_REGISTRY_READ_ONLY, 'ecr:InitiateLayerUpload', 'ImplicitDeny'],
      ['ReadOnly cannot delete', AMAZON_EC2_CONTAINER_REGISTRY_READ_ONLY, 'ecr:BatchDeleteImage', 'ImplicitDeny'],
      ['PowerUser pushes', AMAZON_EC2_CONTAINER_REGISTRY_POWER_USER, 'ecr:PutImage', 'Allow'],
      ['PowerUser uploads layers', AMAZON_EC2_CONTAINER_REGISTRY_POWER_USER, 'ecr:UploadLayerPart', 'Allow'],
      ['PowerUser completes uploads', AMAZON_EC2_CONTAINER_REGISTRY_POWER_USER, 'ecr:CompleteLayerUpload', 'Allow'],
      ['PowerUser pulls', AMAZON_EC2_CONTAINER_REGISTRY_POWER_USER, 'ecr:BatchGetImage', 'Allow'],
      ['PowerUser cannot delete images', AMAZON_EC2_CONTAINER_REGISTRY_POWER_USER, 'ecr:BatchDeleteImage', 'ImplicitDeny'],
      ['PowerUser cannot delete repositories', AMAZON_EC2_CONTAINER_REGISTRY_POWER_USER, 'ecr:DeleteRepository', 'ImplicitDeny'],
      ['PowerUser cannot change the repository policy', AMAZON_EC2_CONTAINER_REGISTRY_POWER_USER, 'ecr:SetRepositoryPolicy', 'ImplicitDeny'],
      ['FullAccess deletes repositories', AMAZON_EC2_CONTAINER_REGISTRY_FULL_ACCESS, 'ecr:DeleteRepository', 'Allow'],
      ['FullAccess sets repository policies', AMAZON_EC2_CONTAINER_REGISTRY_FULL_ACCESS, 'ecr:SetRepositoryPolicy', 'Allow'],
      ['FullAccess looks up CloudTrail events', AMAZON_EC2_CONTAINER_REGISTRY_FULL_ACCESS, 'cloudtrail:LookupEvents', 'Allow'],
      ['FullAccess is not IAM admin', AMAZON_EC2_CONTAINER_REGISTRY_FULL_ACCESS, 'iam:CreateUser', 'ImplicitDeny'],
      ['PullOnly pulls a manifest', AMAZON_EC2_CONTAINER_REGISTRY_PULL_ONLY, 'ecr:BatchGetImage', 'Allow'],
      ['PullOnly pulls a layer', AMAZON_EC2_CONTAINER_REGISTRY_PULL_ONLY, 'ecr:GetDownloadUrlForLayer', 'Allow'],
      ['PullOnly pulls through a cache rule', AMAZON_EC2_CONTAINER_REGISTRY_PULL_ONLY, 'ecr:BatchImportUpstreamImage', 'Allow'],
      ['PullOnly cannot push', AMAZON_EC2_CONTAINER_REGISTRY_PULL_ONLY, 'ecr:PutImage', 'ImplicitDeny'],
      ['PullOnly cannot describe repositories', AMAZON_EC2_CONTAINER_REGISTRY_PULL_ONLY, 'ecr:DescribeRepositories', 'ImplicitDeny'],
    ]),
  )('%s', (_name, policy, action, expected) => {
    expect(decideWith(policy, action)).toBe(expected);
  });

  it('every one of them grants GetAuthorizationToken on "*"', () => {
    for (const policy of MANAGED_POLICIES) expect(decideWith(policy, 'ecr:GetAuthorizationToken', '*')).toBe('Allow');
  });

  it('FullAccess creates only the ECR replication service-linked role', () => {
    const createRole = (service: string) =>
      decideWith(AMAZON_EC2_CONTAINER_REGISTRY_FULL_ACCESS, 'iam:CreateServiceLinkedRole', '*', { 'iam:AWSServiceName': service });
    expect(createRole('replication.ecr.amazonaws.com')).toBe('Allow');
    expect(createRole('ec2.amazonaws.com')).toBe('ImplicitDeny');
  });

  it('a managed policy alone does not reach another account\'s repository', () => {
    const req = request({ principal: BOB });
    const grant = resourcePolicy({ Effect: 'Allow', Principal: { AWS: OTHER_ACCOUNT }, Action: 'ecr:BatchGetImage' });
    expect(decide(req, { identity: [AMAZON_EC2_CONTAINER_REGISTRY_READ_ONLY.document] })).toBe('ImplicitDeny');
    expect(decide(req, { identity: [AMAZON_EC2_CONTAINER_REGISTRY_READ_ONLY.document], resource: [grant] })).toBe('Allow');
  });

  it('a repository-policy Deny overrides a managed policy\'s Allow', () => {
    const deny = resourcePolicy({ Effect: 'Deny', Principal: '*', Action: 'ecr:*' });
    expect(decide(request(), { identity: [AMAZON_EC2_CONTAINER_REGISTRY_FULL_ACCESS.document], resource: [deny] })).toBe('ExplicitDeny');
  });
});
