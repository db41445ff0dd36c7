/**
 * The AWS managed policies for Amazon ECR, as identity-based policy documents.
 *
 * Texts as AWS publishes them in the AWS Managed Policy reference and the Amazon ECR User Guide
 * ("AWS managed policies for Amazon Elastic Container Registry"):
 *  - AmazonEC2ContainerRegistryReadOnly  v3 (edited 2019-12-10)
 *  - AmazonEC2ContainerRegistryPowerUser v3 (edited 2019-12-10)
 *  - AmazonEC2ContainerRegistryFullAccess, the current text with the replication service-linked
 *    role statement (the ECR User Guide's version)
 *  - AmazonEC2ContainerRegistryPullOnly  v1 (created 2024-10-04). The reference page's JSON was
 *    only retrievable up to its third action (GetAuthorizationToken, BatchGetImage,
 *    GetDownloadUrlForLayer); the fourth, ecr:BatchImportUpstreamImage (pulls through a
 *    pull-through cache rule), is the documented purpose of the policy, written from the
 *    documentation rather than copied from the page.
 */
import { parsePolicyDocument, type PolicyDocument } from './document.js';

export interface ManagedPolicy {
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  readonly document: PolicyDocument;
}

const READ_ONLY_ACTIONS = [
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
];

const POWER_USER_ACTIONS = [
  ...READ_ONLY_ACTIONS,
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
];

const PULL_ONLY_ACTIONS = [
  'ecr:GetAuthorizationToken',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
  'ecr:BatchImportUpstreamImage',
];

function allowAll(actions: readonly string[]): object {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] };
}

const FULL_ACCESS = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['ecr:*', 'cloudtrail:LookupEvents'], Resource: '*' },
    {
      Effect: 'Allow',
      Action: ['iam:CreateServiceLinkedRole'],
      Resource: '*',
      Condition: { StringEquals: { 'iam:AWSServiceName': ['replication.ecr.amazonaws.com'] } },
    },
  ],
};

function managed(name: string, description: string, document: object): ManagedPolicy {
  return Object.freeze({
    name,
    arn: `arn:aws:iam::aws:policy/${name}`,
    description,
    document: parsePolicyDocument(JSON.stringify(document), 'identity'),
  });
}

export const AMAZON_EC2_CONTAINER_REGISTRY_READ_ONLY = managed(
  'AmazonEC2ContainerRegistryReadOnly',
  'Provides read-only access to Amazon EC2 Container Registry repositories.',
  allowAll(READ_ONLY_ACTIONS),
);

export const AMAZON_EC2_CONTAINER_REGISTRY_POWER_USER = managed(
  'AmazonEC2ContainerRegistryPowerUser',
  'Provides full access to Amazon EC2 Container Registry repositories, but does not allow repository deletion or policy changes.',
  allowAll(POWER_USER_ACTIONS),
);

export const AMAZON_EC2_CONTAINER_REGISTRY_FULL_ACCESS = managed(
  'AmazonEC2ContainerRegistryFullAccess',
  'Provides administrative access to Amazon ECR resources.',
  FULL_ACCESS,
);

export const AMAZON_EC2_CONTAINER_REGISTRY_PULL_ONLY = managed(
  'AmazonEC2ContainerRegistryPullOnly',
  'Provides access to pull images from Amazon EC2 Container Registry repositories.',
  allowAll(PULL_ONLY_ACTIONS),
);

export const MANAGED_POLICIES: readonly ManagedPolicy[] = Object.freeze([
  AMAZON_EC2_CONTAINER_REGISTRY_READ_ONLY,
  AMAZON_EC2_CONTAINER_REGISTRY_POWER_USER,
  AMAZON_EC2_CONTAINER_REGISTRY_FULL_ACCESS,
  AMAZON_EC2_CONTAINER_REGISTRY_PULL_ONLY,
]);

/** The managed policy with this ARN, or undefined. */
export function findManagedPolicy(arn: string): ManagedPolicy | undefined {
  return MANAGED_POLICIES.find((policy) => policy.arn === arn);
}
