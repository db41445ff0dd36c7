export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_EMPTY_JSON = 'application/vnd.oci.empty.v1+json';

/** Docker schema 1 is deprecated and refused, as distribution does by default. */
export const DOCKER_SCHEMA1_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
]);

export type ManifestKind = 'image' | 'index';

/** Null-prototype, so media types such as `constructor` or `toString` are not found on Object.prototype. */
export const MANIFEST_KINDS: Readonly<Record<string, ManifestKind>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, ManifestKind>, {
    [OCI_MANIFEST]: 'image',
    [DOCKER_MANIFEST]: 'image',
    [OCI_INDEX]: 'index',
    [DOCKER_MANIFEST_LIST]: 'index',
  }),
);

/** Layers clients fetch from elsewhere (`urls`): not required to be in the registry. */
export function isForeignLayer(mediaType: string): boolean {
  return (
    mediaType === 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip' ||
    mediaType.startsWith('application/vnd.oci.image.layer.nondistributable.')
  );
}

/** The media type part of a Content-Type or Accept entry, without parameters, lower-cased. */
export function bareMediaType(value: string): string {
  return value.split(';', 1)[0]!.trim().toLowerCase();
}

/**
 * Whether a client that sent `accept` takes a manifest of `mediaType`. As distribution does, only
 * OCI manifests are withheld from clients that list types without them; Docker types are always
 * served, since old clients send partial Accept headers.
 */
export function acceptsManifest(accept: string | undefined, mediaType: string): boolean {
  if (!accept || (mediaType !== OCI_MANIFEST && mediaType !== OCI_INDEX)) return true;
  const types = accept.split(',').map(bareMediaType).filter(Boolean);
  if (types.length === 0) return true;
  return types.some((t) => t === mediaType || t === '*/*' || t === 'application/*');
}
