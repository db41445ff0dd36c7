import { Type } from '@sinclair/typebox';
import { issueLoginToken, LOGIN_TOKEN_TTL_MS } from '../../../auth/login-tokens.js';
import { defineAction, epochSeconds } from '../action.js';

/**
 * GetAuthorizationToken: a 12-hour login token for `docker login -u AWS`, bound to the caller
 * and signed, so every node accepts it without a lookup. `registryIds` is deprecated in ECR and
 * ignored here as there.
 */
export const getAuthorizationToken = defineAction({
  name: 'GetAuthorizationToken',
  iamAction: 'ecr:GetAuthorizationToken',
  input: Type.Object({ registryIds: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{12}$' }), { minItems: 1, maxItems: 10 })) }, { additionalProperties: false }),
  resource: () => undefined,
  async handle(_input, context) {
    const expiresAt = new Date(context.services.clock.now().getTime() + LOGIN_TOKEN_TTL_MS);
    const token = issueLoginToken(context.services.registryKey, context.principal, expiresAt);
    return {
      authorizationData: [
        {
          authorizationToken: Buffer.from(`AWS:${token}`).toString('base64'),
          expiresAt: epochSeconds(expiresAt),
          proxyEndpoint: context.registryUrl,
        },
      ],
    };
  },
});
