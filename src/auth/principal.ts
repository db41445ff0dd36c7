/** Who is making a request, once authenticated. IAM users and assumed roles join in a later step. */
export interface Principal {
  readonly kind: 'root';
  readonly accountId: string;
  readonly arn: string;
  readonly accessKeyId: string;
}
