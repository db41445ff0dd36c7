import type { IamEntityKind, IamService, Page, PageRequest } from '../../services/iam-service.js';
import { constraintError } from '../../services/iam-service.js';
import type { ResourceTag } from '../../storage/metadata/metadata-store.js';
import type { QueryApi } from '../control-plane/dispatcher.js';
import { accessKeyMetadataShape, encodePolicy, newAccessKeyShape, roleShape, userShape } from './iam-shapes.js';
import type { QueryParams } from './params.js';
import { createQueryApi, type QueryAction } from './query-api.js';
import type { XmlObject, XmlValue } from './xml.js';

export const IAM_VERSION = '2010-05-08';
export const IAM_NAMESPACE = `https://iam.amazonaws.com/doc/${IAM_VERSION}/`;

/** The IAM Query API (users, access keys, roles, inline and attached policies) over IamService. */
export function iamQueryApi(service: IamService): QueryApi {
  return createQueryApi({
    service: 'iam',
    version: IAM_VERSION,
    namespace: IAM_NAMESPACE,
    actions: { ...userActions(service), ...roleActions(service), ...policyActions('user', service), ...policyActions('role', service) },
  });
}

function userActions(service: IamService): Record<string, QueryAction> {
  return {
    CreateUser: async (p, caller) => ({
      User: userShape(await service.createUser(caller, { userName: p.required('UserName'), path: p.string('Path'), tags: tags(p) })),
    }),
    GetUser: async (p, caller) => ({ User: userShape(await service.getUser(caller, p.string('UserName'))) }),
    ListUsers: async (p, caller) => listXml('Users', await service.listUsers(caller, { ...pageRequest(p), pathPrefix: p.string('PathPrefix') }), userShape),
    DeleteUser: async (p, caller) => none(await service.deleteUser(caller, p.required('UserName'))),
    CreateAccessKey: async (p, caller) => ({ AccessKey: newAccessKeyShape(await service.createAccessKey(caller, p.string('UserName'))) }),
    ListAccessKeys: async (p, caller) => listXml('AccessKeyMetadata', { items: await service.listAccessKeys(caller, p.string('UserName')) }, accessKeyMetadataShape),
    DeleteAccessKey: async (p, caller) => none(await service.deleteAccessKey(caller, p.required('AccessKeyId'), p.string('UserName'))),
  };
}

function roleActions(service: IamService): Record<string, QueryAction> {
  return {
    CreateRole: async (p, caller) => ({
      Role: roleShape(
        await service.createRole(caller, {
          roleName: p.required('RoleName'),
          assumeRolePolicyDocument: p.required('AssumeRolePolicyDocument'),
          path: p.string('Path'),
          description: p.string('Description'),
          maxSessionDuration: p.integer('MaxSessionDuration'),
          tags: tags(p),
        }),
      ),
    }),
    GetRole: async (p, caller) => ({ Role: roleShape(await service.getRole(caller, p.required('RoleName'))) }),
    ListRoles: async (p, caller) => listXml('Roles', await service.listRoles(caller, { ...pageRequest(p), pathPrefix: p.string('PathPrefix') }), roleShape),
    DeleteRole: async (p, caller) => none(await service.deleteRole(caller, p.required('RoleName'))),
  };
}

/** Put/Get/Delete/List<Kind>Policy and Attach/Detach/ListAttached<Kind>Policies, for users and roles alike. */
function policyActions(kind: IamEntityKind, service: IamService): Record<string, QueryAction> {
  const label = kind === 'user' ? 'User' : 'Role';
  const entity = (p: QueryParams) => ({ kind, name: p.required(`${label}Name`) });
  return {
    [`Put${label}Policy`]: async (p, caller) =>
      none(await service.putInlinePolicy(caller, entity(p), p.required('PolicyName'), p.required('PolicyDocument'))),
    [`Get${label}Policy`]: async (p, caller) => {
      const ref = entity(p);
      const policyName = p.required('PolicyName');
      const document = await service.getInlinePolicy(caller, ref, policyName);
      return { [`${label}Name`]: ref.name, PolicyName: policyName, PolicyDocument: encodePolicy(document) };
    },
    [`Delete${label}Policy`]: async (p, caller) => none(await service.deleteInlinePolicy(caller, entity(p), p.required('PolicyName'))),
    [`List${label}Policies`]: async (p, caller) => listXml('PolicyNames', await service.listInlinePolicies(caller, entity(p), pageRequest(p)), (name) => name),
    [`Attach${label}Policy`]: async (p, caller) => none(await service.attachPolicy(caller, entity(p), p.required('PolicyArn'))),
    [`Detach${label}Policy`]: async (p, caller) => none(await service.detachPolicy(caller, entity(p), p.required('PolicyArn'))),
    [`ListAttached${label}Policies`]: async (p, caller) =>
      listXml('AttachedPolicies', await service.listAttachedPolicies(caller, entity(p), pageRequest(p)), (policy) => ({
        PolicyName: policy.name,
        PolicyArn: policy.arn,
      })),
  };
}

/** Actions without output answer with ResponseMetadata alone. */
function none(_done: void): undefined {
  return undefined;
}

function pageRequest(p: QueryParams): PageRequest {
  return { marker: p.string('Marker'), maxItems: p.integer('MaxItems') };
}

function tags(p: QueryParams): ResourceTag[] {
  return p.structures('Tags').map((tag) => {
    if (tag.Key === undefined) throw constraintError('Tags.member.key', undefined, 'Member must not be null');
    if (tag.Value === undefined) throw constraintError('Tags.member.value', undefined, 'Member must not be null');
    return { Key: tag.Key, Value: tag.Value };
  });
}

function listXml<T>(name: string, page: Page<T>, item: (value: T) => XmlValue): XmlObject {
  return { [name]: page.items.map(item), IsTruncated: page.marker !== undefined, Marker: page.marker };
}
