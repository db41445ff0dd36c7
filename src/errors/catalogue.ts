/**
 * The error catalogue: every expected failure, and how it appears on each wire surface.
 * `oci` is the OCI Distribution error code and HTTP status; `ecr` is the Amazon ECR exception name
 * (filled in where the control plane can raise the error).
 */
export interface ErrorEntry {
  readonly message: string;
  readonly oci: { readonly code: OciErrorCode; readonly status: number };
  readonly ecr: string;
  /** The IAM/STS Query API error code and HTTP status, where those APIs can raise the error. */
  readonly iam?: { readonly code: string; readonly status: number };
}

/** The codes the OCI Distribution Spec 1.1 defines ("The code field MUST be one of the following"). */
export const OCI_SPEC_ERROR_CODES = [
  'BLOB_UNKNOWN',
  'BLOB_UPLOAD_INVALID',
  'BLOB_UPLOAD_UNKNOWN',
  'DIGEST_INVALID',
  'MANIFEST_BLOB_UNKNOWN',
  'MANIFEST_INVALID',
  'MANIFEST_UNKNOWN',
  'NAME_INVALID',
  'NAME_UNKNOWN',
  'SIZE_INVALID',
  'UNAUTHORIZED',
  'DENIED',
  'UNSUPPORTED',
  'TOOMANYREQUESTS',
] as const;

/** Error codes defined by the OCI Distribution Spec 1.1 (plus UNKNOWN for unexpected failures). */
export type OciErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  // Not in the spec's table, but what distribution (and ECR) send for a tag that may not move.
  | 'TAG_INVALID'
  | 'UNKNOWN';

const entries = {
  BLOB_UNKNOWN: { message: 'blob unknown to registry', oci: { code: 'BLOB_UNKNOWN', status: 404 }, ecr: 'LayersNotFoundException' },
  BLOB_UPLOAD_INVALID: { message: 'blob upload invalid', oci: { code: 'BLOB_UPLOAD_INVALID', status: 400 }, ecr: 'InvalidLayerException' },
  BLOB_UPLOAD_UNKNOWN: { message: 'blob upload unknown to registry', oci: { code: 'BLOB_UPLOAD_UNKNOWN', status: 404 }, ecr: 'UploadNotFoundException' },
  UPLOAD_OUT_OF_ORDER: { message: 'chunk does not start at the end of the upload', oci: { code: 'BLOB_UPLOAD_INVALID', status: 416 }, ecr: 'InvalidLayerPartException' },
  DIGEST_INVALID: { message: 'provided digest did not match uploaded content', oci: { code: 'DIGEST_INVALID', status: 400 }, ecr: 'InvalidLayerException' },
  DIGEST_UNSUPPORTED: { message: 'digest algorithm is not supported', oci: { code: 'DIGEST_INVALID', status: 400 }, ecr: 'InvalidParameterException' },
  SIZE_INVALID: { message: 'provided length did not match content length', oci: { code: 'SIZE_INVALID', status: 400 }, ecr: 'InvalidLayerException' },
  RANGE_NOT_SATISFIABLE: { message: 'requested range not satisfiable', oci: { code: 'SIZE_INVALID', status: 416 }, ecr: 'InvalidParameterException' },
  MANIFEST_BLOB_UNKNOWN: { message: 'manifest references a blob unknown to the repository', oci: { code: 'MANIFEST_BLOB_UNKNOWN', status: 400 }, ecr: 'LayersNotFoundException' },
  MANIFEST_INVALID: { message: 'manifest invalid', oci: { code: 'MANIFEST_INVALID', status: 400 }, ecr: 'InvalidParameterException' },
  MANIFEST_TOO_LARGE: { message: 'manifest exceeds the size limit', oci: { code: 'MANIFEST_INVALID', status: 413 }, ecr: 'InvalidParameterException' },
  MANIFEST_UNKNOWN: { message: 'manifest unknown to registry', oci: { code: 'MANIFEST_UNKNOWN', status: 404 }, ecr: 'ImageNotFoundException' },
  MANIFEST_NOT_ACCEPTABLE: { message: 'manifest media type is not among the accepted types', oci: { code: 'MANIFEST_UNKNOWN', status: 404 }, ecr: 'UnsupportedImageTypeException' },
  MANIFEST_REFERENCED: { message: 'manifest is referenced by an image index in this repository', oci: { code: 'DENIED', status: 409 }, ecr: 'ImageReferencedByManifestListException' },
  BLOB_REFERENCED: { message: 'blob is referenced by a manifest in this repository', oci: { code: 'DENIED', status: 409 }, ecr: 'InvalidParameterException' },
  NAME_INVALID: { message: 'invalid repository name', oci: { code: 'NAME_INVALID', status: 400 }, ecr: 'InvalidParameterException' },
  TAG_INVALID: { message: 'invalid tag', oci: { code: 'MANIFEST_INVALID', status: 400 }, ecr: 'InvalidParameterException' },
  REFERENCE_INVALID: { message: 'invalid reference: neither a tag nor a digest', oci: { code: 'MANIFEST_INVALID', status: 400 }, ecr: 'InvalidParameterException' },
  REPOSITORY_NOT_FOUND: { message: 'repository name not known to registry', oci: { code: 'NAME_UNKNOWN', status: 404 }, ecr: 'RepositoryNotFoundException' },
  PAGINATION_NUMBER_INVALID: { message: 'invalid number of results requested', oci: { code: 'UNSUPPORTED', status: 400 }, ecr: 'InvalidParameterException' },
  UNAUTHORIZED: { message: 'authentication required', oci: { code: 'UNAUTHORIZED', status: 401 }, ecr: 'UnrecognizedClientException' },
  DENIED: { message: 'requested access to the resource is denied', oci: { code: 'DENIED', status: 403 }, ecr: 'AccessDeniedException', iam: { code: 'AccessDenied', status: 403 } },
  UNSUPPORTED: { message: 'the operation is unsupported', oci: { code: 'UNSUPPORTED', status: 405 }, ecr: 'UnsupportedOperationException' },
  TOO_MANY_REQUESTS: { message: 'too many requests', oci: { code: 'TOOMANYREQUESTS', status: 429 }, ecr: 'ThrottlingException', iam: { code: 'Throttling', status: 400 } },
  HEADERS_TOO_LARGE: { message: 'request headers exceed the size limit', oci: { code: 'SIZE_INVALID', status: 431 }, ecr: 'InvalidParameterException' },
  BODY_TOO_LARGE: { message: 'request body exceeds the size limit', oci: { code: 'SIZE_INVALID', status: 413 }, ecr: 'InvalidParameterException' },
  INVALID_PARAMETER: { message: 'invalid parameter', oci: { code: 'UNSUPPORTED', status: 400 }, ecr: 'InvalidParameterException', iam: { code: 'InvalidInput', status: 400 } },
  INTERNAL: { message: 'internal server error', oci: { code: 'UNKNOWN', status: 500 }, ecr: 'ServerException', iam: { code: 'ServiceFailure', status: 500 } },

  // Authentication on the AWS-protocol surfaces (SigV4, tokens).
  MISSING_AUTHENTICATION: { message: 'Missing Authentication Token', oci: { code: 'UNAUTHORIZED', status: 401 }, ecr: 'MissingAuthenticationTokenException', iam: { code: 'MissingAuthenticationToken', status: 403 } },
  UNRECOGNIZED_CLIENT: { message: 'The security token included in the request is invalid.', oci: { code: 'UNAUTHORIZED', status: 401 }, ecr: 'UnrecognizedClientException', iam: { code: 'InvalidClientTokenId', status: 403 } },
  INVALID_SIGNATURE: { message: 'The request signature we calculated does not match the signature you provided.', oci: { code: 'UNAUTHORIZED', status: 401 }, ecr: 'InvalidSignatureException', iam: { code: 'SignatureDoesNotMatch', status: 403 } },
  SIGNATURE_EXPIRED: { message: 'Signature expired', oci: { code: 'UNAUTHORIZED', status: 401 }, ecr: 'InvalidSignatureException', iam: { code: 'SignatureDoesNotMatch', status: 403 } },
  EXPIRED_TOKEN: { message: 'The security token included in the request is expired', oci: { code: 'UNAUTHORIZED', status: 401 }, ecr: 'ExpiredTokenException', iam: { code: 'ExpiredToken', status: 403 } },

  // The control plane's own failures.
  UNKNOWN_OPERATION: { message: 'unknown operation', oci: { code: 'UNSUPPORTED', status: 405 }, ecr: 'UnknownOperationException', iam: { code: 'InvalidAction', status: 400 } },
  SERIALIZATION: { message: 'the request body is not valid JSON for this operation', oci: { code: 'UNSUPPORTED', status: 400 }, ecr: 'SerializationException', iam: { code: 'MalformedInput', status: 400 } },
  VALIDATION: { message: 'validation error', oci: { code: 'UNSUPPORTED', status: 400 }, ecr: 'ValidationException', iam: { code: 'ValidationError', status: 400 } },
  REPOSITORY_ALREADY_EXISTS: { message: 'repository already exists', oci: { code: 'DENIED', status: 409 }, ecr: 'RepositoryAlreadyExistsException' },
  REPOSITORY_NOT_EMPTY: { message: 'repository contains images', oci: { code: 'DENIED', status: 409 }, ecr: 'RepositoryNotEmptyException' },
  IMAGE_ALREADY_EXISTS: { message: 'image already exists with this tag', oci: { code: 'DENIED', status: 409 }, ecr: 'ImageAlreadyExistsException' },
  TAG_IMMUTABLE: { message: 'the image tag already exists and the repository is immutable', oci: { code: 'TAG_INVALID', status: 400 }, ecr: 'ImageTagAlreadyExistsException' },
  IMAGE_DIGEST_MISMATCH: { message: 'the image digest does not match the manifest', oci: { code: 'DIGEST_INVALID', status: 400 }, ecr: 'ImageDigestDoesNotMatchException' },
  LAYER_ALREADY_EXISTS: { message: 'layer already exists', oci: { code: 'DENIED', status: 409 }, ecr: 'LayerAlreadyExistsException' },
  LAYER_PART_TOO_SMALL: { message: 'layer part is smaller than the minimum part size', oci: { code: 'SIZE_INVALID', status: 400 }, ecr: 'LayerPartTooSmallException' },
  EMPTY_UPLOAD: { message: 'the upload contains no layer parts', oci: { code: 'BLOB_UPLOAD_INVALID', status: 400 }, ecr: 'EmptyUploadException' },
  LAYER_PART_INVALID: { message: 'the layer part is not valid', oci: { code: 'BLOB_UPLOAD_INVALID', status: 400 }, ecr: 'InvalidLayerPartException' },
  LAYER_INACCESSIBLE: { message: 'the layer is not associated with an image', oci: { code: 'BLOB_UNKNOWN', status: 404 }, ecr: 'LayerInaccessibleException' },
  REFERENCED_IMAGES_NOT_FOUND: { message: 'the manifest list references an image that does not exist', oci: { code: 'MANIFEST_BLOB_UNKNOWN', status: 400 }, ecr: 'ReferencedImagesNotFoundException' },
  REPOSITORY_POLICY_NOT_FOUND: { message: 'repository policy does not exist', oci: { code: 'UNSUPPORTED', status: 404 }, ecr: 'RepositoryPolicyNotFoundException' },
  REGISTRY_POLICY_NOT_FOUND: { message: 'registry policy does not exist', oci: { code: 'UNSUPPORTED', status: 404 }, ecr: 'RegistryPolicyNotFoundException' },
  TOO_MANY_TAGS: { message: 'too many tags on the resource', oci: { code: 'DENIED', status: 400 }, ecr: 'TooManyTagsException' },
  INVALID_TAG_PARAMETER: { message: 'invalid tag key or value', oci: { code: 'UNSUPPORTED', status: 400 }, ecr: 'InvalidTagParameterException' },
  LIMIT_EXCEEDED: { message: 'a service limit was exceeded', oci: { code: 'DENIED', status: 400 }, ecr: 'LimitExceededException', iam: { code: 'LimitExceeded', status: 409 } },
  TEMPLATE_ALREADY_EXISTS: { message: 'repository creation template already exists', oci: { code: 'DENIED', status: 409 }, ecr: 'TemplateAlreadyExistsException' },
  TEMPLATE_NOT_FOUND: { message: 'repository creation template not found', oci: { code: 'UNSUPPORTED', status: 404 }, ecr: 'TemplateNotFoundException' },
  LIFECYCLE_POLICY_NOT_FOUND: { message: 'lifecycle policy does not exist', oci: { code: 'UNSUPPORTED', status: 404 }, ecr: 'LifecyclePolicyNotFoundException' },
  LIFECYCLE_PREVIEW_NOT_FOUND: { message: 'lifecycle policy preview does not exist', oci: { code: 'UNSUPPORTED', status: 404 }, ecr: 'LifecyclePolicyPreviewNotFoundException' },
  LIFECYCLE_PREVIEW_IN_PROGRESS: { message: 'a lifecycle policy preview is already in progress', oci: { code: 'DENIED', status: 409 }, ecr: 'LifecyclePolicyPreviewInProgressException' },
  IMAGE_ARCHIVED: { message: 'the image is archived', oci: { code: 'MANIFEST_UNKNOWN', status: 404 }, ecr: 'ImageArchivedException' },

  // Vulnerability scanning.
  SCAN_NOT_FOUND: { message: 'image scan does not exist', oci: { code: 'MANIFEST_UNKNOWN', status: 404 }, ecr: 'ScanNotFoundException' },
  UNSUPPORTED_IMAGE_TYPE: { message: 'the image type is not supported', oci: { code: 'UNSUPPORTED', status: 400 }, ecr: 'UnsupportedImageTypeException' },

  // IAM and STS (Query API) failures.
  IAM_NO_SUCH_ENTITY: { message: 'the entity does not exist', oci: { code: 'UNSUPPORTED', status: 404 }, ecr: 'InvalidParameterException', iam: { code: 'NoSuchEntity', status: 404 } },
  IAM_ENTITY_EXISTS: { message: 'the entity already exists', oci: { code: 'DENIED', status: 409 }, ecr: 'InvalidParameterException', iam: { code: 'EntityAlreadyExists', status: 409 } },
  IAM_DELETE_CONFLICT: { message: 'the entity has subordinate entities and cannot be deleted', oci: { code: 'DENIED', status: 409 }, ecr: 'InvalidParameterException', iam: { code: 'DeleteConflict', status: 409 } },
  MALFORMED_POLICY: { message: 'the policy document is malformed', oci: { code: 'UNSUPPORTED', status: 400 }, ecr: 'InvalidParameterException', iam: { code: 'MalformedPolicyDocument', status: 400 } },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof entries;
export const ERROR_CATALOGUE: Readonly<Record<ErrorCode, ErrorEntry>> = entries;
