import { request, type IncomingHttpHeaders } from 'node:http';
import { DOCKER_MANIFEST_V2, OCI_INDEX, OCI_MANIFEST, sha256 } from './oci-layout.js';

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

export const ALL_MANIFEST_TYPES = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST_V2, 'application/vnd.docker.distribution.manifest.list.v2+json'] as const;

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

function expectStatus(res: RegistryResponse, want: number, what: string): RegistryResponse {
  if (res.status !== want) throw new Error(`${what}: expected ${want}, got ${res.status} ${JSON.stringify(res.headers)} ${res.body.toString()}`);
  return res;
}

/** POST /v2/<repo>/blobs/uploads/ and return the upload URL path from Location (202 expected). */
export async function startUpload(target: RegistryTarget, repo: string): Promise<string> {
  const res = expectStatus(await registryRequest(target, 'POST', `/v2/${repo}/blobs/uploads/`), 202, `POST /v2/${repo}/blobs/uploads/`);
  const url = new URL(String(res.headers.location), target.url);
  return url.pathname + url.search;
}

/** The upload URL with `digest=` added to its query. */
export function withDigest(uploadPath: string, digest: string): string {
  const url = new URL(uploadPath, 'http://x');
  url.searchParams.set('digest', digest);
  return url.pathname + url.search;
}

/**
 * Pushes a blob the way containers/image does (POST, one PATCH with the whole body, PUT
 * ?digest=) and returns its digest; every step must answer as the spec says.
 */
export async function pushBlob(target: RegistryTarget, repo: string, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  const upload = await startUpload(target, repo);
  const patch = expectStatus(
    await registryRequest(target, 'PATCH', upload, { body: bytes, headers: { 'content-type': 'application/octet-stream' } }),
    202,
    `PATCH ${upload}`,
  );
  const next = new URL(String(patch.headers.location ?? upload), target.url);
  const put = withDigest(next.pathname + next.search, digest);
  const res = expectStatus(await registryRequest(target, 'PUT', put), 201, `PUT ${put}`);
  if (res.headers['docker-content-digest'] !== digest) throw new Error(`PUT ${put}: Docker-Content-Digest ${res.headers['docker-content-digest']}, want ${digest}`);
  return digest;
}

/** PUT a manifest (201 expected) and return its digest. */
export async function pushManifest(target: RegistryTarget, repo: string, ref: string, bytes: Buffer, contentType: string): Promise<string> {
  expectStatus(
    await registryRequest(target, 'PUT', `/v2/${repo}/manifests/${ref}`, { body: bytes, headers: { 'content-type': contentType } }),
    201,
    `PUT /v2/${repo}/manifests/${ref}`,
  );
  return sha256(bytes);
}

export interface PushedImage {
  digest: string;
  manifest: Buffer;
  /** Every blob of the image (config and layers) by digest. */
  blobs: Map<string, Buffer>;
}

/** Pushes a one-layer OCI image (a minimal config and `layer` as its layer) and tags it. */
export async function pushImage(target: RegistryTarget, repo: string, tag: string, layer: Buffer): Promise<PushedImage> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(layer)] } }));
  const blobs = new Map<string, Buffer>();
  for (const b of [config, layer]) blobs.set(await pushBlob(target, repo, b), b);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
    }),
  );
  return { digest: await pushManifest(target, repo, tag, manifest, OCI_MANIFEST), manifest, blobs };
}
