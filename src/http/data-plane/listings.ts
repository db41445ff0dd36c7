import type { Call, DataPlaneDeps } from './context.js';
import { authorizedRepository, authorizeOperation } from './context.js';
import { fetchPage, readPage } from './pagination.js';

/** end-8a/8b: GET /v2/<name>/tags/list[?n=&last=] */
export async function listTags(deps: DataPlaneDeps, call: Call, name: string): Promise<unknown> {
  const repository = await authorizedRepository(deps, call, 'listTags', name);
  const page = readPage(call.query, deps.limits.pageSize);
  const { items: tags, link } = await fetchPage(page, `/v2/${name}/tags/list`, (p) => deps.manifests.listTags(repository, p));
  if (link) call.reply.header('link', link);
  return { name, tags };
}

/** GET /v2/_catalog[?n=&last=] (a Docker Registry API extension, paginated the same way). */
export async function listCatalog(deps: DataPlaneDeps, call: Call): Promise<unknown> {
  await authorizeOperation(deps, call, 'listRepositories');
  const page = readPage(call.query, deps.limits.pageSize);
  const { items: repositories, link } = await fetchPage(page, '/v2/_catalog', (p) => deps.repositories.listNames(p));
  if (link) call.reply.header('link', link);
  return { repositories };
}
