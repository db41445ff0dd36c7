/**
 * Data-plane paths under /v2/. Repository names contain slashes, so a single wildcard route hands
 * the rest of the path to this parser; every pattern anchors at the end and takes the longest
 * name, so names may themselves contain `blobs`, `manifests` or `tags` components.
 */
export type DataPlaneRoute =
  | { readonly endpoint: 'base' }
  | { readonly endpoint: 'catalog' }
  | { readonly endpoint: 'tags'; readonly name: string }
  | { readonly endpoint: 'manifest'; readonly name: string; readonly reference: string }
  | { readonly endpoint: 'blob'; readonly name: string; readonly digest: string }
  | { readonly endpoint: 'uploads'; readonly name: string }
  | { readonly endpoint: 'upload'; readonly name: string; readonly uploadId: string }
  | { readonly endpoint: 'referrers'; readonly name: string; readonly digest: string };

const PATTERNS: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => DataPlaneRoute]> = [
  [/^(.+)\/tags\/list$/, (m) => ({ endpoint: 'tags', name: m[1]! })],
  [/^(.+)\/manifests\/([^/]+)$/, (m) => ({ endpoint: 'manifest', name: m[1]!, reference: m[2]! })],
  [/^(.+)\/blobs\/uploads\/?$/, (m) => ({ endpoint: 'uploads', name: m[1]! })],
  [/^(.+)\/blobs\/uploads\/([^/]+)$/, (m) => ({ endpoint: 'upload', name: m[1]!, uploadId: m[2]! })],
  [/^(.+)\/blobs\/([^/]+)$/, (m) => ({ endpoint: 'blob', name: m[1]!, digest: m[2]! })],
  [/^(.+)\/referrers\/([^/]+)$/, (m) => ({ endpoint: 'referrers', name: m[1]!, digest: m[2]! })],
];

/** Parses the path after `/v2/` (no query string); undefined when it is no data-plane endpoint. */
export function parseDataPlanePath(rest: string): DataPlaneRoute | undefined {
  if (rest === '') return { endpoint: 'base' };
  if (rest === '_catalog') return { endpoint: 'catalog' };
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(rest);
    if (match) return build(match);
  }
  return undefined;
}
