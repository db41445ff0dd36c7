import { RegistryError } from '../../errors/registry-error.js';
import type { IamService } from '../../services/iam-service.js';
import type { QueryApi } from '../control-plane/dispatcher.js';
import { createQueryApi } from './query-api.js';

export const STS_VERSION = '2011-06-15';
export const STS_NAMESPACE = `https://sts.amazonaws.com/doc/${STS_VERSION}/`;

/**
 * AssumeRole parameters Wharf does not implement. Session policies and tags would narrow or label
 * the session; ignoring them would hand out more than was asked for, so they are refused.
 */
const UNSUPPORTED_ASSUME_ROLE_PARAMETERS = ['Policy', 'PolicyArns', 'Tags', 'TransitiveTagKeys', 'SerialNumber', 'TokenCode', 'SourceIdentity', 'ProvidedContexts'];

/** The STS Query API: GetCallerIdentity and AssumeRole, over IamService. */
export function stsQueryApi(service: IamService): QueryApi {
  return createQueryApi({
    service: 'sts',
    version: STS_VERSION,
    namespace: STS_NAMESPACE,
    actions: {
      GetCallerIdentity: async (_p, caller) => {
        const identity = service.callerIdentity(caller);
        return { UserId: identity.userId, Account: identity.account, Arn: identity.arn };
      },
      AssumeRole: async (p, caller) => {
        const unsupported = UNSUPPORTED_ASSUME_ROLE_PARAMETERS.find((name) => p.has(name));
        if (unsupported) throw new RegistryError('INVALID_PARAMETER', `AssumeRole parameter ${unsupported} is not supported by this registry`);
        const session = await service.assumeRole(caller, {
          roleArn: p.required('RoleArn'),
          roleSessionName: p.required('RoleSessionName'),
          durationSeconds: p.integer('DurationSeconds'),
          externalId: p.string('ExternalId'),
        });
        return {
          Credentials: {
            AccessKeyId: session.accessKeyId,
            SecretAccessKey: session.secretAccessKey,
            SessionToken: session.sessionToken,
            Expiration: session.expiration,
          },
          AssumedRoleUser: { AssumedRoleId: session.assumedRoleId, Arn: session.arn },
        };
      },
    },
  });
}
