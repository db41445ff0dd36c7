import { request, type IncomingHttpHeaders } from 'node:http';
import { sha256 } from './oci-layout.js';

export interface RegistryTarget {
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface RegistryResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RegistryRequestOptions {
  accept?: string | readonly string[];
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Send the target's root credentials (default true). */
  auth?: boolean;
  timeoutMs?: number;
}

export function basicAuth(target: Pick<RegistryTarget, 'accessKeyId' | 'secretAccessKey'>): string {
  return `Basic ${Buffer.from(`${target.accessKeyId}:${target.secretAccessKey}`).toString('base64')}`;
}

/** One buffered HTTP request to the registry with node:http (no client library in between). */
export function registryRequest(target: RegistryTarget, method: string, path: string, opts: RegistryRequestOptions = {}): Promise<RegistryResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.auth !== false) headers.authorization = basicAuth(target);
  if (opts.accept) headers.accept = typeof opts.accept === 'string' ? opts.accept : opts.accept.join(', ');
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, target.url), { method, headers, timeout: opts.timeoutMs ?? 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in time`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Digest of a stored manifest, by HEAD with the given Accept types (all manifest types by default). */
export async function manifestDigest(target: RegistryTarget, repo: string, ref: string, accept: string | readonly string[] = ALL_MANIFEST_TYPES): Promise<string | undefined> {
  const res = await registryRequest(target, 'HEAD', `/v2/${repo}/manifests/${ref}`, { accept });
  return res.status === 200 ? String(res.headers['docker-content-digest']) : undefined;
}

export const ALL_MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
] as const;

export interface ImageManifestJson {
  mediaType?: string;
  config: { mediaType: string; digest: string; size: number };
  layers: { mediaType: string; digest: string; size: number }[];
}

export interface FetchedManifest {
  /** Docker-Content-Digest as served. */
  digest: string;
  contentType: string;
  bytes: Buffer;
  json: ImageManifestJson;
}

/** GET a manifest; anything but 200 throws with the status and body. */
export async function getManifest(target: RegistryTarget, repo: string, ref: string, accept: string | readonly string[] = ALL_MANIFEST_TYPES): Promise<FetchedManifest> {
  const res = await registryRequest(target, 'GET', `/v2/${repo}/manifests/${ref}`, { accept });
  if (res.status !== 200) throw new Error(`GET /v2/${repo}/manifests/${ref}: ${res.status} ${res.body.toString()}`);
  return {
    digest: String(res.headers['docker-content-digest']),
    contentType: String(res.headers['content-type']),
    bytes: res.body,
    json: JSON.parse(res.body.toString('utf8')) as ImageManifestJson,
  };
}

/**
 * GETs the config and every layer of an image manifest from `repo` and returns the digests that
 * were not served with status 200 and matching bytes (an empty list when the image is whole).
 */
export async function unservedBlobs(target: RegistryTarget, repo: string, manifest: ImageManifestJson): Promise<string[]> {
  const bad: string[] = [];
  for (const { digest } of [manifest.config, ...manifest.layers]) {
    const res = await registryRequest(target, 'GET', `/v2/${repo}/blobs/${digest}`);
    if (res.status !== 200 || sha256(res.body) !== digest) bad.push(digest);
  }
  return bad;
}
