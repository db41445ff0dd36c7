import type { Call, DataPlaneDeps } from './context.js';
import { authorizeOperation } from './context.js';
import { nextLink, readPage } from './pagination.js';

/** end-8a/8b: GET /v2/<name>/tags/list[?n=&last=] */
export async function listTags(deps: DataPlaneDeps, call: Call, name: string): Promise<unknown> {
  await authorizeOperation(deps, call, 'listTags', name);
  const repository = await deps.repositories.get(name);
  const page = readPage(call.query, deps.limits.pageSize);
  const tags = page.limit === 0 ? [] : await deps.manifests.listTags(repository, page);
  const link = nextLink(`/v2/${name}/tags/list`, page, tags);
  if (link) call.reply.header('link', link);
  return { name, tags };
}

/** GET /v2/_catalog[?n=&last=] (a Docker Registry API extension, paginated the same way). */
export async function listCatalog(deps: DataPlaneDeps, call: Call): Promise<unknown> {
  await authorizeOperation(deps, call, 'listRepositories');
  const page = readPage(call.query, deps.limits.pageSize);
  const repositories = page.limit === 0 ? [] : await deps.repositories.listNames(page);
  const link = nextLink('/v2/_catalog', page, repositories);
  if (link) call.reply.header('link', link);
  return { repositories };
}
