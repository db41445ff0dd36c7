import { RegistryError } from '../errors/registry-error.js';
import { digestOf, parseDigest, type Digest, type DigestAlgorithm } from './digest.js';
import {
  DOCKER_SCHEMA1_TYPES,
  MANIFEST_KINDS,
  bareMediaType,
  isForeignLayer,
  type ManifestKind,
} from './media-types.js';
import type { Descriptor, ManifestReference, NewManifest } from '../storage/metadata/metadata-store.js';

export interface ParsedManifest extends NewManifest {
  readonly kind: ManifestKind;
  /** Blobs (config, layers) that must be linked to the repository. */
  readonly blobs: readonly Digest[];
  /** Child manifests (index entries) that must be stored in the repository. */
  readonly children: readonly Digest[];
}

/**
 * Parses and validates manifest bytes as pushed. The media type comes from the body's
 * `mediaType`, else the request's Content-Type, else the document's shape; a body whose
 * `mediaType` contradicts the Content-Type is refused. Pure: existence checks are the caller's.
 */
export function parseManifest(content: Uint8Array, contentType: string | undefined, algorithm: DigestAlgorithm = 'sha256'): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8'));
  } catch {
    throw invalid('manifest is not valid JSON');
  }
  if (!isObject(doc)) throw invalid('manifest must be a JSON object');
  const header = contentType ? bareMediaType(contentType) : undefined;
  // Named before the schemaVersion check, so a schema 1 push is told why it is refused.
  if (doc.schemaVersion === 1 || DOCKER_SCHEMA1_TYPES.has(header ?? '') || DOCKER_SCHEMA1_TYPES.has(String(doc.mediaType))) {
    throw invalid('Docker schema 1 manifests are not supported');
  }
  if (doc.schemaVersion !== 2) throw invalid('schemaVersion must be 2');

  const declared = optionalString(doc, 'mediaType');
  const headerIsManifestType = header !== undefined && header in MANIFEST_KINDS;
  if (declared !== undefined && headerIsManifestType && declared !== header) {
    throw invalid(`mediaType "${declared}" does not match Content-Type "${header}"`);
  }
  const mediaType = declared ?? (headerIsManifestType ? header : guessMediaType(doc));
  const kind = MANIFEST_KINDS[mediaType];
  if (kind === undefined) throw invalid(`unsupported manifest media type "${mediaType}"`);

  const subject = doc.subject === undefined ? undefined : parseDescriptor(doc.subject, 'subject');
  const annotations = parseAnnotations(doc.annotations, 'annotations');
  const artifactType = optionalString(doc, 'artifactType');
  const digest = digestOf(content, algorithm);
  const base = { digest, mediaType, content, subject: subject?.digest, annotations };

  if (kind === 'image') {
    const config = parseDescriptor(doc.config, 'config');
    if (!Array.isArray(doc.layers)) throw invalid('layers must be an array');
    const layers = doc.layers.map((l, i) => parseDescriptor(l, `layers[${i}]`));
    const blobs = unique([config, ...layers].filter((d) => !isForeignLayer(d.mediaType)).map((d) => d.digest));
    return {
      ...base,
      kind,
      // The spec: an image manifest without artifactType is typed by its config's media type.
      artifactType: artifactType ?? config.mediaType,
      blobs,
      children: [],
      imageSize: layers.reduce((sum, l) => sum + l.size, 0),
      references: blobs.map((d): ManifestReference => ({ digest: d, kind: 'blob' })),
    };
  }
  if (!Array.isArray(doc.manifests)) throw invalid('manifests must be an array');
  const children = unique(doc.manifests.map((m, i) => parseDescriptor(m, `manifests[${i}]`).digest));
  return {
    ...base,
    kind,
    artifactType,
    blobs: [],
    children,
    imageSize: 0,
    references: children.map((d): ManifestReference => ({ digest: d, kind: 'manifest' })),
  };
}

function guessMediaType(doc: Record<string, unknown>): string {
  if (Array.isArray(doc.manifests)) return 'application/vnd.oci.image.index.v1+json';
  if (doc.config !== undefined) return 'application/vnd.oci.image.manifest.v1+json';
  throw invalid('manifest has no mediaType and no recognisable shape');
}

function parseDescriptor(value: unknown, where: string): Descriptor {
  if (!isObject(value)) throw invalid(`${where} must be a descriptor object`);
  const mediaType = value.mediaType;
  if (typeof mediaType !== 'string' || mediaType.length === 0) throw invalid(`${where}.mediaType must be a non-empty string`);
  if (typeof value.digest !== 'string') throw invalid(`${where}.digest must be a string`);
  let digest: Digest;
  try {
    digest = parseDigest(value.digest);
  } catch {
    throw invalid(`${where}.digest "${value.digest.slice(0, 200)}" is not a valid digest`);
  }
  const size = value.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalid(`${where}.size must be a non-negative integer`);
  const artifactType = optionalString(value, 'artifactType', where);
  const annotations = parseAnnotations(value.annotations, `${where}.annotations`);
  return { mediaType, digest, size, artifactType, annotations };
}

function parseAnnotations(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw invalid(`${where} must map strings to strings`);
  }
  return value as Record<string, string>;
}

function optionalString(obj: Record<string, unknown>, key: string, where?: string): string | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${where ? `${where}.` : ''}${key} must be a string`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function invalid(message: string): RegistryError {
  return new RegistryError('MANIFEST_INVALID', message);
}
