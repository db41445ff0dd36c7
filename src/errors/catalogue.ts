/**
 * The error catalogue: every expected failure, and how it appears on each wire surface.
 * `oci` is the OCI Distribution error code and HTTP status; `ecr` is the Amazon ECR exception name
 * (filled in where the control plane can raise the error).
 */
export interface ErrorEntry {
  readonly message: string;
  readonly oci: { readonly code: OciErrorCode; readonly status: number };
  readonly ecr: string;
}

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
  | 'RANGE_INVALID'
  | 'PAGINATION_NUMBER_INVALID'
  | 'UNKNOWN';

const entries = {
  BLOB_UNKNOWN: { message: 'blob unknown to registry', oci: { code: 'BLOB_UNKNOWN', status: 404 }, ecr: 'LayersNotFoundException' },
  BLOB_UPLOAD_INVALID: { message: 'blob upload invalid', oci: { code: 'BLOB_UPLOAD_INVALID', status: 400 }, ecr: 'InvalidLayerException' },
  BLOB_UPLOAD_UNKNOWN: { message: 'blob upload unknown to registry', oci: { code: 'BLOB_UPLOAD_UNKNOWN', status: 404 }, ecr: 'UploadNotFoundException' },
  UPLOAD_OUT_OF_ORDER: { message: 'chunk does not start at the end of the upload', oci: { code: 'BLOB_UPLOAD_INVALID', status: 416 }, ecr: 'InvalidLayerPartException' },
  DIGEST_INVALID: { message: 'provided digest did not match uploaded content', oci: { code: 'DIGEST_INVALID', status: 400 }, ecr: 'InvalidLayerException' },
  DIGEST_UNSUPPORTED: { message: 'digest algorithm is not supported', oci: { code: 'DIGEST_INVALID', status: 400 }, ecr: 'InvalidParameterException' },
  SIZE_INVALID: { message: 'provided length did not match content length', oci: { code: 'SIZE_INVALID', status: 400 }, ecr: 'InvalidLayerException' },
  RANGE_NOT_SATISFIABLE: { message: 'requested range not satisfiable', oci: { code: 'RANGE_INVALID', status: 416 }, ecr: 'InvalidParameterException' },
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
  PAGINATION_NUMBER_INVALID: { message: 'invalid number of results requested', oci: { code: 'PAGINATION_NUMBER_INVALID', status: 400 }, ecr: 'InvalidParameterException' },
  UNAUTHORIZED: { message: 'authentication required', oci: { code: 'UNAUTHORIZED', status: 401 }, ecr: 'UnrecognizedClientException' },
  DENIED: { message: 'requested access to the resource is denied', oci: { code: 'DENIED', status: 403 }, ecr: 'AccessDeniedException' },
  UNSUPPORTED: { message: 'the operation is unsupported', oci: { code: 'UNSUPPORTED', status: 405 }, ecr: 'UnsupportedOperationException' },
  TOO_MANY_REQUESTS: { message: 'too many requests', oci: { code: 'TOOMANYREQUESTS', status: 429 }, ecr: 'ThrottlingException' },
  BODY_TOO_LARGE: { message: 'request body exceeds the size limit', oci: { code: 'SIZE_INVALID', status: 413 }, ecr: 'InvalidParameterException' },
  INVALID_PARAMETER: { message: 'invalid parameter', oci: { code: 'UNSUPPORTED', status: 400 }, ecr: 'InvalidParameterException' },
  INTERNAL: { message: 'internal server error', oci: { code: 'UNKNOWN', status: 500 }, ecr: 'ServerException' },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof entries;
export const ERROR_CATALOGUE: Readonly<Record<ErrorCode, ErrorEntry>> = entries;
