/**
 * Every data-plane operation and the ECR action that authorises it, in one table (as
 * distribution maps methods to pull/push/delete in one function).
 */
export const DATA_PLANE_ACTIONS = {
  pullManifest: 'ecr:BatchGetImage',
  pullBlob: 'ecr:GetDownloadUrlForLayer',
  checkBlob: 'ecr:BatchCheckLayerAvailability',
  startUpload: 'ecr:InitiateLayerUpload',
  uploadChunk: 'ecr:UploadLayerPart',
  completeUpload: 'ecr:CompleteLayerUpload',
  pushManifest: 'ecr:PutImage',
  deleteManifest: 'ecr:BatchDeleteImage',
  deleteBlob: 'ecr:BatchDeleteImage',
  listTags: 'ecr:ListImages',
  listReferrers: 'ecr:ListImages',
  listRepositories: 'ecr:DescribeRepositories',
  /** A push that creates its repository (create-on-push) also needs this. */
  createRepository: 'ecr:CreateRepository',
} as const;

export type DataPlaneOperation = keyof typeof DATA_PLANE_ACTIONS;
export type EcrAction = (typeof DATA_PLANE_ACTIONS)[DataPlaneOperation];
