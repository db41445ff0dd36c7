import type { Config } from '../config/schema.js';
import type { Clock } from '../domain/clock.js';
import type { MetadataStore, MetadataTx, Repository } from '../storage/metadata/metadata-store.js';
import type { AuthorizationRequest, Authorizer } from './authorizer.js';
import { parsePolicyDocument, type PolicyDocument, type PolicyKind } from './document.js';
import { evaluatePolicies, type ContextEntry } from './evaluate.js';
import { loadIdentityPolicies } from './identity-policies.js';

/** Registry-document key of the registry policy. */
export const REGISTRY_POLICY_KEY = 'policy';

const PARSED_CACHE_SIZE = 1000;

/**
 * Authorises with IAM semantics: the caller's identity policies (inline and attached), the
 * repository policy and the registry policy, evaluated by the pure engine. Policy texts are
 * read per request (so every node sees changes at once) and parsed once per distinct text.
 */
export class IamAuthorizer implements Authorizer {
  readonly #parsed = new Map<string, PolicyDocument>();

  constructor(private readonly options: { metadata: MetadataStore; clock: Clock; config: Pick<Config, 'region' | 'accountId'> }) {}

  async isAllowed(request: AuthorizationRequest): Promise<boolean> {
    const { region, accountId } = this.options.config;
    const { identity, resource, tags } = await this.options.metadata.read(async (tx) => ({
      identity: await loadIdentityPolicies(tx, request.principal.policyArn, (text) => this.#parse(text, 'identity')),
      ...(await this.#resourcePolicies(tx, request.repository, request.repositoryRecord)),
    }));
    const context: Record<string, ContextEntry> = {
      'aws:CurrentTime': this.options.clock.now(),
      'aws:SecureTransport': false,
    };
    if (request.sourceIp) context['aws:SourceIp'] = request.sourceIp;
    for (const tag of tags) {
      context[`aws:ResourceTag/${tag.Key}`] = tag.Value;
      context[`ecr:ResourceTag/${tag.Key}`] = tag.Value;
    }
    const evaluation = evaluatePolicies(
      {
        principal: { ...request.principal, username: request.principal.userName },
        action: request.action,
        resource: request.repository === undefined ? '*' : `arn:aws:ecr:${region}:${accountId}:repository/${request.repository}`,
        resourceAccountId: accountId,
        context,
      },
      { identity, resource },
    );
    return evaluation.decision === 'Allow';
  }

  async #resourcePolicies(tx: MetadataTx, repositoryName: string | undefined, known: Repository | null | undefined) {
    const registryPolicy = await tx.registry.get(REGISTRY_POLICY_KEY);
    const repository = known !== undefined ? (known ?? undefined) : repositoryName === undefined ? undefined : await tx.repositories.get(repositoryName);
    const texts = [repository?.policy, registryPolicy].filter((t): t is string => t !== undefined);
    // Resource tags matter only to policies that test them; skip the read otherwise.
    const needsTags = repository !== undefined && (texts.some((t) => t.includes('ResourceTag')) || (await this.#anyIdentityMentionsTags()));
    const { region, accountId } = this.options.config;
    const tags = needsTags ? await tx.resourceTags.list(`arn:aws:ecr:${region}:${accountId}:repository/${repository.name}`) : [];
    return { resource: texts.map((t) => this.#parse(t, 'resource')), tags };
  }

  /** Identity policies are cheap to scan for tag conditions once parsed; the cache holds them. */
  async #anyIdentityMentionsTags(): Promise<boolean> {
    for (const text of this.#parsed.keys()) if (text.includes('ResourceTag')) return true;
    return false;
  }

  #parse(text: string, kind: PolicyKind): PolicyDocument {
    const cached = this.#parsed.get(text);
    if (cached) return cached;
    const parsed = parsePolicyDocument(text, kind);
    if (this.#parsed.size >= PARSED_CACHE_SIZE) this.#parsed.delete(this.#parsed.keys().next().value!);
    this.#parsed.set(text, parsed);
    return parsed;
  }
}
