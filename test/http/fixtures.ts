// Manifests and blobs for the HTTP and conformance tests: built in the test, pushed over HTTP.
import { createHash, randomBytes } from 'node:crypto';
import { OCI_INDEX, OCI_MANIFEST, sha256 } from '../helpers/oci-layout.js';
import { pushBlob, registryRequest, type RegistryResponse, type RegistryTarget } from '../helpers/registry-http.js';

export { OCI_INDEX, OCI_MANIFEST, sha256 };
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
/** The spec's empty JSON blob `{}` (sha256:44136fa3…), used as config and layer of artifacts. */
export const EMPTY_JSON = Buffer.from('{}');
export const EMPTY_JSON_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
/** A digest nothing in any test has: 64 zeros' worth of sha256. */
export const ABSENT_DIGEST = `sha256:${'0'.repeat(64)}`;

export function sha512(data: Buffer | string): string {
  return `sha512:${createHash('sha512').update(data).digest('hex')}`;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string };
}

export function descriptor(mediaType: string, bytes: Buffer, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType, digest: sha256(bytes), size: bytes.length, ...extra };
}

export interface ManifestFields {
  /** `null` leaves the field out of the body (the type then comes from Content-Type). */
  mediaType?: string | null;
  artifactType?: string;
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export function imageManifest(config: Descriptor, layers: readonly Descriptor[], fields: ManifestFields = {}): Buffer {
  const { mediaType = OCI_MANIFEST, ...rest } = fields;
  return json({ schemaVersion: 2, ...(mediaType === null ? {} : { mediaType }), ...pick(rest, 'artifactType'), config, layers, ...pick(rest, 'subject', 'annotations') });
}

export function indexManifest(manifests: readonly Descriptor[], fields: ManifestFields = {}): Buffer {
  const { mediaType = OCI_INDEX, ...rest } = fields;
  return json({ schemaVersion: 2, ...(mediaType === null ? {} : { mediaType }), ...pick(rest, 'artifactType'), manifests, ...pick(rest, 'subject', 'annotations') });
}

export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function pick<T extends object, K extends keyof T>(obj: T, ...keys: K[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

export interface BuiltImage {
  config: Buffer;
  layers: Buffer[];
  manifest: Buffer;
  digest: string;
  mediaType: string;
  /** The image's blobs by digest. */
  blobs: Map<string, Buffer>;
  /** This image as an index entry. */
  descriptor: Descriptor;
}

/** A small image with distinct random content (an OCI one unless `docker`), not pushed. */
export function buildImage(opts: { layers?: number; docker?: boolean; architecture?: string; fields?: ManifestFields } = {}): BuiltImage {
  const architecture = opts.architecture ?? 'amd64';
  const layers = Array.from({ length: opts.layers ?? 1 }, () => randomBytes(512 + Math.floor(Math.random() * 512)));
  const config = json({ architecture, os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l)) }, nonce: randomBytes(8).toString('hex') });
  const docker = opts.docker === true;
  const mediaType = docker ? DOCKER_MANIFEST : OCI_MANIFEST;
  const manifest = imageManifest(
    descriptor(docker ? 'application/vnd.docker.container.image.v1+json' : OCI_CONFIG, config),
    layers.map((l) => descriptor(docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : OCI_LAYER, l)),
    { mediaType, ...opts.fields },
  );
  const blobs = new Map([config, ...layers].map((b) => [sha256(b), b] as const));
  const digest = sha256(manifest);
  return { config, layers, manifest, digest, mediaType, blobs, descriptor: descriptor(mediaType, manifest, { platform: { architecture, os: 'linux' } }) };
}

/** Pushes the image's blobs, then its manifest under `ref` (default: its digest); returns the manifest PUT's response. */
export async function pushBuiltImage(target: RegistryTarget, repo: string, image: BuiltImage, ref: string = image.digest): Promise<RegistryResponse> {
  for (const bytes of image.blobs.values()) await pushBlob(target, repo, bytes);
  return putManifest(target, repo, ref, image.manifest, image.mediaType);
}

export function putManifest(target: RegistryTarget, repo: string, ref: string, body: Buffer, contentType?: string): Promise<RegistryResponse> {
  return registryRequest(target, 'PUT', `/v2/${repo}/manifests/${ref}`, { body, headers: contentType ? { 'content-type': contentType } : {} });
}

/** The JSON body of a response. */
export function bodyJson<T = Record<string, unknown>>(res: RegistryResponse): T {
  return JSON.parse(res.body.toString('utf8')) as T;
}
