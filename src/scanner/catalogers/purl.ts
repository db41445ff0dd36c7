/**
 * Package URLs (https://github.com/package-url/purl-spec): `pkg:type/namespace/name@version?qualifiers`.
 * Each namespace segment, the name and the version are percent-encoded (`@` in `@scope` becomes
 * `%40`, `+` becomes `%2B`); `:` stays literal in versions, as dpkg epochs are written
 * (`pkg:deb/debian/bash@1:5.2-1`). Qualifiers with a value are emitted sorted by key.
 */
function encode(segment: string): string {
  return encodeURIComponent(segment).replace(/%3A/gi, ':');
}

export function purl(
  type: string,
  namespace: string | undefined,
  name: string,
  version: string,
  qualifiers: Readonly<Record<string, string | undefined>> = {},
): string {
  const ns = namespace ? `${namespace.split('/').filter(Boolean).map(encode).join('/')}/` : '';
  const q = Object.entries(qualifiers)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${encode(v)}`)
    .join('&');
  return `pkg:${type}/${ns}${encode(name)}@${encode(version)}${q ? `?${q}` : ''}`;
}
