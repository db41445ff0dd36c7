import type { RegistryKey } from '../crypto/registry-key.js';
import type { Principal } from './principal.js';

/** ECR's authorization tokens are valid for 12 hours. */
export const LOGIN_TOKEN_TTL_MS = 12 * 60 * 60 * 1000;

interface TokenPayload {
  /** The principal the token stands for. */
  readonly p: Principal;
  /** Expiry, epoch milliseconds. */
  readonly e: number;
}

/**
 * Login tokens (`docker login -u AWS -p <token>`): the principal and an expiry, signed with the
 * registry key so any node verifies them without a lookup. `<payload>.<signature>`, base64url.
 */
export function issueLoginToken(key: RegistryKey, principal: Principal, expiresAt: Date): string {
  const payload = Buffer.from(JSON.stringify({ p: { ...principal, accessKeyId: undefined }, e: expiresAt.getTime() } satisfies TokenPayload)).toString(
    'base64url',
  );
  return `${payload}.${key.sign(payload)}`;
}

export type TokenCheck = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly reason: 'invalid' | 'expired' };

export function verifyLoginToken(key: RegistryKey, token: string, now: Date): TokenCheck {
  const dot = token.indexOf('.');
  if (dot < 0) return { ok: false, reason: 'invalid' };
  const payload = token.slice(0, dot);
  if (!key.verify(payload, token.slice(dot + 1))) return { ok: false, reason: 'invalid' };
  let parsed: TokenPayload;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenPayload;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (typeof parsed.e !== 'number' || parsed.e <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, principal: parsed.p };
}
