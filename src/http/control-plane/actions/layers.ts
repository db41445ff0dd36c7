import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { parseDigest, type Digest } from '../../../domain/digest.js';
import { isRegistryError, RegistryError } from '../../../errors/registry-error.js';
import type { Repository, Upload } from '../../../storage/metadata/metadata-store.js';
import { defineAction, type ActionContext } from '../action.js';
import { awsErrorDetail } from '../aws-json.js';
import { findRepository, registryIdOf, RegistryIdSchema, RepositoryNameSchema, repositoryOf } from '../ecr-inputs.js';

/**
 * ECR's layer API: the same UploadService and BlobService as the data plane's blob endpoints,
 * so a layer pushed either way is pulled either way. Parts travel base64-encoded inside JSON and
 * are buffered whole (≤ 20 MiB each); large layers belong on the data plane, which streams.
 */

/** ECR's minimum part size ("Layer parts must be at least 5 MiB"), also the partSize InitiateLayerUpload announces. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
/** ECR's largest layerPartBlob (20971520 bytes). */
export const MAX_PART_BYTES = 20 * 1024 * 1024;
/** Base64 of the largest part, plus room for the request's other members. */
const MAX_PART_BASE64 = Math.ceil(MAX_PART_BYTES / 3) * 4;
const UPLOAD_LAYER_PART_BODY_LIMIT = MAX_PART_BASE64 + 64 * 1024;

const UploadIdSchema = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });

/** BatchCheckLayerAvailability: AVAILABLE (with size) when the layer is linked to the repository, else UNAVAILABLE. */
export const batchCheckLayerAvailability = defineAction({
  name: 'BatchCheckLayerAvailability',
  iamAction: 'ecr:BatchCheckLayerAvailability',
  input: Type.Object(
    {
      registryId: Type.Optional(RegistryIdSchema),
      repositoryName: RepositoryNameSchema,
      layerDigests: Type.Array(Type.String({ maxLength: 1000 }), { minItems: 1, maxItems: 100 }),
    },
    { additionalProperties: false },
  ),
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    const failures: { layerDigest: string; failureCode: string; failureReason: string }[] = [];
    const digests: Digest[] = [];
    for (const layerDigest of input.layerDigests) {
      if (layerDigest === '') failures.push({ layerDigest, failureCode: 'MissingLayerDigest', failureReason: 'The layer digest is missing' });
      else if (!isDigest(layerDigest)) failures.push({ layerDigest, failureCode: 'InvalidLayerDigest', failureReason: `Invalid layer digest '${layerDigest}'` });
      else digests.push(layerDigest as Digest);
    }
    const linked = await context.services.blobs.findLinked(repository, digests);
    const layers = digests.map((layerDigest) => {
      const blob = linked.get(layerDigest);
      return blob ? { layerDigest, layerAvailability: 'AVAILABLE', layerSize: blob.size } : { layerDigest, layerAvailability: 'UNAVAILABLE' };
    });
    return { layers, failures };
  },
});

/** InitiateLayerUpload: an upload session of the UploadService; `partSize` is ECR's minimum part size. */
export const initiateLayerUpload = defineAction({
  name: 'InitiateLayerUpload',
  iamAction: 'ecr:InitiateLayerUpload',
  input: Type.Object({ registryId: Type.Optional(RegistryIdSchema), repositoryName: RepositoryNameSchema }, { additionalProperties: false }),
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    const upload = await context.services.uploads.start(repository);
    return { uploadId: upload.id, partSize: MIN_PART_BYTES };
  },
});

/**
 * UploadLayerPart: appends one part, which must start where the upload ends
 * (InvalidLayerPartException with `lastValidByteReceived` otherwise, -1 while nothing has been
 * received). A part following one smaller than 5 MiB is refused (LayerPartTooSmallException):
 * only the last part may be small.
 */
export const uploadLayerPart = defineAction({
  name: 'UploadLayerPart',
  iamAction: 'ecr:UploadLayerPart',
  bodyLimit: UPLOAD_LAYER_PART_BODY_LIMIT,
  input: Type.Object(
    {
      registryId: Type.Optional(RegistryIdSchema),
      repositoryName: RepositoryNameSchema,
      uploadId: UploadIdSchema,
      partFirstByte: Type.Integer({ minimum: 0 }),
      partLastByte: Type.Integer({ minimum: 0 }),
      layerPartBlob: Type.String({ maxLength: MAX_PART_BASE64 }),
    },
    { additionalProperties: false },
  ),
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    const { uploads } = context.services;
    const upload = await findUpload(context, repository, input.uploadId);
    const partError = (code: 'UPLOAD_OUT_OF_ORDER' | 'LAYER_PART_INVALID', message: string, at: Upload = upload) =>
      new RegistryError(code, message, {
        detail: awsErrorDetail({ registryId: registryIdOf(context), repositoryName: repository.name, uploadId: upload.id, lastValidByteReceived: at.offset - 1 }),
      });
    if (input.partFirstByte !== upload.offset) {
      throw partError('UPLOAD_OUT_OF_ORDER', `The part's first byte ${input.partFirstByte} does not follow the last byte received, ${upload.offset - 1}`);
    }
    const part = decodeBase64(input.layerPartBlob);
    if (!part || part.length === 0 || part.length > MAX_PART_BYTES || input.partLastByte - input.partFirstByte + 1 !== part.length) {
      throw partError('LAYER_PART_INVALID', `The layer part must be 1 to ${MAX_PART_BYTES} bytes of base64 spanning partFirstByte to partLastByte`);
    }
    // The previous part was not the last, so it had to be full-sized. Its size is known to the
    // process that received it; elsewhere an upload holding under 5 MiB must have started small.
    const previous = uploads.lastChunkSize(upload.id) ?? (upload.offset < MIN_PART_BYTES ? upload.offset : undefined);
    if (upload.offset > 0 && previous !== undefined && previous < MIN_PART_BYTES) {
      throw new RegistryError('LAYER_PART_TOO_SMALL', `Layer parts must be at least 5 MiB in size; the previous part of upload ${upload.id} held ${previous} bytes`);
    }
    let offset: number;
    try {
      offset = await uploads.append(upload, { body: Readable.from([part]), start: input.partFirstByte, length: part.length });
    } catch (err) {
      if (!isRegistryError(err) || (err.code !== 'UPLOAD_OUT_OF_ORDER' && err.code !== 'BLOB_UPLOAD_INVALID')) throw err;
      // Another request moved the upload meanwhile: report where it stands now.
      throw partError(err.code === 'UPLOAD_OUT_OF_ORDER' ? err.code : 'LAYER_PART_INVALID', err.message, await findUpload(context, repository, upload.id));
    }
    return { registryId: registryIdOf(context), repositoryName: repository.name, uploadId: upload.id, lastByteReceived: offset - 1 };
  },
});

/** CompleteLayerUpload: commits the upload under the digest given, once its content hashes to it. */
export const completeLayerUpload = defineAction({
  name: 'CompleteLayerUpload',
  iamAction: 'ecr:CompleteLayerUpload',
  input: Type.Object(
    {
      registryId: Type.Optional(RegistryIdSchema),
      repositoryName: RepositoryNameSchema,
      uploadId: UploadIdSchema,
      layerDigests: Type.Array(Type.String({ maxLength: 1000 }), { minItems: 1, maxItems: 100 }),
    },
    { additionalProperties: false },
  ),
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    const upload = await findUpload(context, repository, input.uploadId);
    // One upload is one layer: every digest given must be the same one.
    const [first, ...rest] = input.layerDigests;
    if (!isDigest(first!) || rest.some((d) => d !== first)) {
      throw new RegistryError('INVALID_PARAMETER', "Invalid parameter at 'layerDigests' failed to satisfy constraint: 'one valid sha256 digest of the uploaded layer'");
    }
    const digest = first as Digest;
    if (upload.offset === 0) throw new RegistryError('EMPTY_UPLOAD', `The layer upload ${upload.id} does not contain any layer parts`);
    if ((await context.services.blobs.findLinked(repository, [digest])).size > 0) {
      await context.services.uploads.cancel(upload);
      throw new RegistryError('LAYER_ALREADY_EXISTS', `The layer ${digest} already exists in the repository with name '${repository.name}' in the registry with id '${registryIdOf(context)}'`);
    }
    await context.services.uploads.complete(repository, upload, digest);
    return { registryId: registryIdOf(context), repositoryName: repository.name, uploadId: upload.id, layerDigest: digest };
  },
});

/**
 * GetDownloadUrlForLayer: ECR answers a presigned S3 URL; Wharf answers the data plane's blob
 * URL, which is fetched with the same credentials as any pull (`Authorization: Basic` with the
 * GetAuthorizationToken login token, or the access key and secret).
 */
export const getDownloadUrlForLayer = defineAction({
  name: 'GetDownloadUrlForLayer',
  iamAction: 'ecr:GetDownloadUrlForLayer',
  input: Type.Object({ registryId: Type.Optional(RegistryIdSchema), repositoryName: RepositoryNameSchema, layerDigest: Type.String() }, { additionalProperties: false }),
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    if (!isDigest(input.layerDigest)) throw new RegistryError('INVALID_PARAMETER', `Invalid parameter at 'layerDigest': '${input.layerDigest.slice(0, 200)}' is not a valid digest`);
    const digest = input.layerDigest as Digest;
    const where = `the repository with name '${repository.name}' in the registry with id '${registryIdOf(context)}'`;
    if ((await context.services.blobs.findLinked(repository, [digest])).size === 0) {
      throw new RegistryError('BLOB_UNKNOWN', `The layer ${digest} does not exist in ${where}`);
    }
    if (!(await context.services.blobs.isReferenced(repository, digest))) {
      throw new RegistryError('LAYER_INACCESSIBLE', `The layer ${digest} in ${where} is not associated with an image`);
    }
    return { downloadUrl: `${context.registryUrl}/v2/${repository.name}/blobs/${digest}`, layerDigest: digest };
  },
});

/** The upload, in this repository, or UploadNotFoundException. */
async function findUpload(context: ActionContext, repository: Repository, uploadId: string): Promise<Upload> {
  try {
    return await context.services.uploads.get(repository, uploadId);
  } catch (err) {
    if (isRegistryError(err) && err.code === 'BLOB_UPLOAD_UNKNOWN') {
      throw new RegistryError('BLOB_UPLOAD_UNKNOWN', `The upload with id '${uploadId}' does not exist in the repository with name '${repository.name}'`);
    }
    throw err;
  }
}

function isDigest(value: string): boolean {
  try {
    parseDigest(value);
    return true;
  } catch {
    return false;
  }
}

/** Strict base64 (what the SDKs send for blob members), or undefined. */
function decodeBase64(value: string): Buffer | undefined {
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}
