/**
 * Repository creation template prefixes (pure). ECR: "a prefix of prod would apply to all
 * repositories beginning with prod/ … There is always an assumed / applied to the end of the
 * prefix"; `ROOT` applies to every repository no other template covers.
 */

export const ROOT_PREFIX = 'ROOT';

/** The prefix as stored and compared: `prod/` and `prod` name the same template. */
export function normalizeTemplatePrefix(prefix: string): string {
  return prefix === ROOT_PREFIX ? prefix : prefix.replace(/\/$/, '');
}

/**
 * The prefixes whose templates cover a repository, most specific first: each proper ancestor
 * path of the name (`a/b/c` → `a/b`, `a`), then ROOT. The first one with a template wins.
 */
export function coveringPrefixes(repositoryName: string): string[] {
  const parts = repositoryName.split('/');
  const prefixes: string[] = [];
  for (let n = parts.length - 1; n >= 1; n--) prefixes.push(parts.slice(0, n).join('/'));
  prefixes.push(ROOT_PREFIX);
  return prefixes;
}
