import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { RegistryError } from '../errors/registry-error.js';
import { secretsEqual } from './secrets.js';

/** AWS allows a request's X-Amz-Date to be this far from the server's clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface SigV4Authorization {
  readonly accessKeyId: string;
  /** Credential scope: YYYYMMDD / region / service / aws4_request. */
  readonly scopeDate: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request\s*,\s*SignedHeaders=([a-z0-9;._-]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;

/** Parses `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
export function parseSigV4Authorization(header: string | undefined): SigV4Authorization | undefined {
  const match = header ? AUTHORIZATION.exec(header) : null;
  if (!match) return undefined;
  const [, accessKeyId, scopeDate, region, service, signedHeaders, signature] = match as unknown as string[];
  return { accessKeyId: accessKeyId!, scopeDate: scopeDate!, region: region!, service: service!, signedHeaders: signedHeaders!.split(';'), signature: signature! };
}

export interface SignedRequest {
  readonly method: string;
  /** The request target as received, e.g. `/` or `/?Action=…`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * Verifies a SigV4 signature by recomputing it from the request as received. The payload hash is
 * computed here from the body (a client's `x-amz-content-sha256` is checked against it, never
 * trusted), the date must be within 15 minutes of `now`, and the signatures are compared in
 * constant time. Throws INVALID_SIGNATURE (or SIGNATURE_EXPIRED) with AWS's wording.
 */
export async function verifySigV4(
  request: SignedRequest,
  auth: SigV4Authorization,
  credentials: { readonly secretAccessKey: string; readonly sessionToken?: string | undefined },
  now: Date,
): Promise<void> {
  const amzDate = headerValue(request.headers, 'x-amz-date');
  const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!signingDate) throw new RegistryError('INVALID_SIGNATURE', 'the request must carry a valid X-Amz-Date header');
  if (Math.abs(signingDate.getTime() - now.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new RegistryError(
      'SIGNATURE_EXPIRED',
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(new Date(now.getTime() - MAX_CLOCK_SKEW_MS))} (${formatAmzDate(now)} - 15 min.)`,
    );
  }
  if (amzDate!.slice(0, 8) !== auth.scopeDate) throw new RegistryError('INVALID_SIGNATURE', 'credential scope date does not match X-Amz-Date');
  if (!auth.signedHeaders.includes('host')) throw new RegistryError('INVALID_SIGNATURE', 'the host header must be signed');

  const payloadHash = createHash('sha256').update(request.body).digest('hex');
  const claimedHash = headerValue(request.headers, 'x-amz-content-sha256');
  if (claimedHash !== undefined && claimedHash !== payloadHash) {
    throw new RegistryError('INVALID_SIGNATURE', 'the provided x-amz-content-sha256 does not match the request body');
  }

  // Only the headers the client signed go into the recomputation; the signer would sign any other.
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value === undefined) throw new RegistryError('INVALID_SIGNATURE', `signed header ${name} is missing`);
    headers[name] = value;
  }
  const queryAt = request.url.indexOf('?');
  const { Hash, HttpRequest, SignatureV4 } = await signerModules();
  const signer = new SignatureV4({
    service: auth.service,
    region: auth.region,
    sha256: Hash.bind(null, 'sha256'),
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
    uriEscapePath: auth.service !== 's3',
    // Otherwise the signer adds (and signs) an x-amz-content-sha256 header the client never sent.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: headers.host ?? '',
      path: queryAt < 0 ? request.url : request.url.slice(0, queryAt),
      query: parseQuery(queryAt < 0 ? '' : request.url.slice(queryAt + 1)),
      // The signer hashes the body itself unless the client sent (and signed) the hash header,
      // which was checked against the body above.
      headers,
      body: request.body,
    }),
    { signingDate, signableHeaders: new Set(auth.signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1] ?? '';
  if (!secretsEqual(auth.signature, expected)) {
    throw new RegistryError(
      'INVALID_SIGNATURE',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
}

let loading: Promise<SignerModules> | undefined;

/**
 * The AWS signer, loaded on the first signed request: a registry that serves only docker-style
 * clients never holds its modules (about 15 MiB of resident memory).
 */
function signerModules(): Promise<SignerModules> {
  loading ??= Promise.all([import('@smithy/hash-node'), import('@smithy/protocol-http'), import('@smithy/signature-v4')]).then(
    ([{ Hash }, { HttpRequest }, { SignatureV4 }]) => ({ Hash, HttpRequest, SignatureV4 }),
  );
  return loading;
}

interface SignerModules {
  readonly Hash: typeof import('@smithy/hash-node').Hash;
  readonly HttpRequest: typeof import('@smithy/protocol-http').HttpRequest;
  readonly SignatureV4: typeof import('@smithy/signature-v4').SignatureV4;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  // Canonical form: repeated headers joined by commas, sequential spaces squeezed.
  return (Array.isArray(value) ? value.join(',') : value).trim().replace(/\s+/g, ' ');
}

function parseQuery(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(query)) {
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
