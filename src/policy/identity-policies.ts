import type { MetadataTx } from '../storage/metadata/metadata-store.js';
import { parsePolicyDocument, type PolicyDocument } from './document.js';
import { findManagedPolicy } from './managed-policies.js';

/**
 * The identity policies of a user or role (by the ARN policies attach to): its inline policies
 * and the AWS-managed policies attached to it. The root has none. `parse` lets callers cache.
 */
export async function loadIdentityPolicies(
  tx: MetadataTx,
  policyArn: string | undefined,
  parse: (text: string) => PolicyDocument = (text) => parsePolicyDocument(text, 'identity'),
): Promise<PolicyDocument[]> {
  if (policyArn === undefined) return [];
  const inline = await tx.iam.listInlinePolicies(policyArn);
  const attached = await tx.iam.listAttachedPolicies(policyArn);
  return [...inline.map((p) => parse(p.document)), ...attached.flatMap((arn) => findManagedPolicy(arn)?.document ?? [])];
}
