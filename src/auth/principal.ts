/**
 * Who is making a request, once authenticated: the account root, an IAM user, or a role session
 * from STS AssumeRole. `policyArn` is the ARN whose identity policies apply (the user's, or the
 * role's for a session).
 */
export interface Principal {
  readonly type: 'root' | 'user' | 'assumed-role';
  readonly accountId: string;
  /** `arn:aws:iam::ACCT:root`, `arn:aws:iam::ACCT:user/PATH/NAME`, `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`. */
  readonly arn: string;
  /** The ARN identity policies are attached to (a user's or a role's ARN); the root has none. */
  readonly policyArn?: string | undefined;
  readonly userName?: string | undefined;
  /** AWS's aws:userid: the user id, `ROLEID:SESSION`, or the account id for root. */
  readonly userId: string;
  /** The credential the request used, when it used one (a token carries none). */
  readonly accessKeyId?: string | undefined;
}

export function rootPrincipal(accountId: string, accessKeyId?: string): Principal {
  return { type: 'root', accountId, arn: `arn:aws:iam::${accountId}:root`, userId: accountId, accessKeyId };
}
