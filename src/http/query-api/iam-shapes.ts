import type { NewAccessKey, RoleDescription, UserDescription } from '../../services/iam-service.js';
import type { AccessKeyRecord, ResourceTag } from '../../storage/metadata/metadata-store.js';
import type { XmlObject, XmlValue } from './xml.js';

/**
 * IAM's structures with their member names (User, Role, AccessKey, AccessKeyMetadata). The Query
 * API serialises them as XML; `wharf iam` prints them as JSON, as the AWS CLI does.
 */
export function userShape(user: UserDescription): XmlObject {
  return { Path: user.path, UserName: user.name, UserId: user.userId, Arn: user.arn, CreateDate: user.createdAt, Tags: tagsShape(user.tags) };
}

/** The trust policy comes URL-encoded, as IAM returns it. */
export function roleShape(role: RoleDescription): XmlObject {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: role.createdAt,
    AssumeRolePolicyDocument: encodePolicy(role.trustPolicy),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDurationSeconds,
    Tags: tagsShape(role.tags),
  };
}

/** A new key with its secret: CreateAccessKey's only chance to show it. */
export function newAccessKeyShape({ key, secretAccessKey }: NewAccessKey): XmlObject {
  return { UserName: key.userName, AccessKeyId: key.accessKeyId, Status: key.status, SecretAccessKey: secretAccessKey, CreateDate: key.createdAt };
}

export function accessKeyMetadataShape(key: AccessKeyRecord): XmlObject {
  return { UserName: key.userName, AccessKeyId: key.accessKeyId, Status: key.status, CreateDate: key.createdAt };
}

function tagsShape(list: readonly ResourceTag[] | undefined): XmlValue {
  return list && list.length > 0 ? list.map((tag) => ({ Key: tag.Key, Value: tag.Value })) : undefined;
}

/** IAM returns policy documents URL-encoded (RFC 3986); clients such as the AWS CLI decode them. */
export function encodePolicy(document: string): string {
  return encodeURIComponent(document).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
