import { isValidRepositoryName } from './names.js';

/** Where a registry lives: its region and account, as ARNs name them. */
export interface RegistryLocation {
  readonly region: string;
  readonly accountId: string;
}

export interface RepositoryArn extends RegistryLocation {
  readonly name: string;
}

const REPOSITORY_ARN = /^arn:aws:ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)$/;

/** `arn:aws:ecr:<region>:<account>:repository/<name>` */
export function repositoryArn(location: RegistryLocation, name: string): string {
  return `arn:aws:ecr:${location.region}:${location.accountId}:repository/${name}`;
}

/** The parts of an ECR repository ARN, or undefined for anything else (other services, resource types, malformed names). */
export function parseRepositoryArn(arn: string): RepositoryArn | undefined {
  const match = REPOSITORY_ARN.exec(arn);
  if (!match || !isValidRepositoryName(match[3]!)) return undefined;
  return { region: match[1]!, accountId: match[2]!, name: match[3]! };
}
