import type { EcrAction } from '../action.js';
import { SCANNING_ACTIONS } from './scanning.js';
import { getAuthorizationToken } from './authorization-token.js';
import { CREATION_TEMPLATE_ACTIONS } from './creation-templates.js';
import { POLICY_ACTIONS } from './policies.js';
import { REPOSITORY_ACTIONS } from './repositories.js';
import { TAGGING_ACTIONS } from './tagging.js';
import { batchDeleteImage, batchGetImage, describeImages, listImageReferrers, listImages, putImage } from './images.js';
import { LIFECYCLE_ACTIONS } from './lifecycle.js';
import { batchCheckLayerAvailability, completeLayerUpload, getDownloadUrlForLayer, initiateLayerUpload, uploadLayerPart } from './layers.js';

/** Every ECR action Wharf implements; an action not listed answers UnknownOperationException. */
export const ECR_ACTIONS: readonly EcrAction[] = [
  getAuthorizationToken,
  describeImages,
  listImages,
  batchGetImage,
  batchDeleteImage,
  putImage,
  listImageReferrers,
  batchCheckLayerAvailability,
  initiateLayerUpload,
  uploadLayerPart,
  completeLayerUpload,
  getDownloadUrlForLayer,
  ...REPOSITORY_ACTIONS,
  ...POLICY_ACTIONS,
  ...TAGGING_ACTIONS,
  ...CREATION_TEMPLATE_ACTIONS,
  ...LIFECYCLE_ACTIONS,
  ...SCANNING_ACTIONS,
];
