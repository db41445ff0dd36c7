import type { EcrAction } from '../action.js';
import { getAuthorizationToken } from './authorization-token.js';

/** Every ECR action Wharf implements; an action not listed answers UnknownOperationException. */
export const ECR_ACTIONS: readonly EcrAction[] = [getAuthorizationToken];
