import { readFile } from 'node:fs/promises';
import { rootPrincipal } from '../auth/principal.js';
import type { Config } from '../config/schema.js';
import { loadRegistryKey } from '../crypto/registry-key.js';
import { systemClock } from '../domain/clock.js';
import { ERROR_CATALOGUE } from '../errors/catalogue.js';
import { RegistryError, isRegistryError } from '../errors/registry-error.js';
import { MANAGED_POLICIES } from '../policy/managed-policies.js';
import { newAccessKeyShape, roleShape, userShape } from '../http/query-api/iam-shapes.js';
import { IamService, type IamCaller, type UserDescription } from '../services/iam-service.js';
import type { MetadataStore } from '../storage/metadata/metadata-store.js';

export const IAM_USAGE = `usage: wharf iam <command> [arguments] [--data-dir DIR | --database-url URL] [--config FILE]

Works on the registry's database directly, as the account root (the same checks as the IAM API).
Output is JSON shaped as the AWS CLI prints it; FILE may be - for standard input.

commands:
  create-user NAME
  delete-user NAME
  list-users
  create-access-key USER            prints the key id and its secret: the only time the secret is shown
  delete-access-key KEYID
  put-user-policy USER NAME FILE    inline identity policy
  attach-user-policy USER POLICY    POLICY: an ARN, or ReadOnly | PowerUser | FullAccess | PullOnly
  create-role NAME TRUST_FILE       trust policy (who may assume the role)
  put-role-policy ROLE NAME FILE    inline identity policy of the role`;

interface Command {
  readonly args: readonly string[];
  run(service: IamService, caller: IamCaller, args: string[], read: (file: string) => Promise<string>): Promise<unknown>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  'create-user': {
    args: ['NAME'],
    run: async (service, caller, [name]) => ({ User: userShape(await service.createUser(caller, { userName: name! })) }),
  },
  'delete-user': { args: ['NAME'], run: (service, caller, [name]) => service.deleteUser(caller, name!) },
  'list-users': {
    args: [],
    async run(service, caller) {
      const users: UserDescription[] = [];
      let marker: string | undefined;
      do {
        const page = await service.listUsers(caller, { marker, maxItems: 1000 });
        users.push(...page.items);
        marker = page.marker;
      } while (marker !== undefined);
      return { Users: users.map(userShape) };
    },
  },
  'create-access-key': {
    args: ['USER'],
    run: async (service, caller, [user]) => ({ AccessKey: newAccessKeyShape(await service.createAccessKey(caller, user)) }),
  },
  'delete-access-key': { args: ['KEYID'], run: (service, caller, [keyId]) => service.deleteAccessKey(caller, keyId!) },
  'put-user-policy': {
    args: ['USER', 'NAME', 'FILE'],
    run: async (service, caller, [user, name, file], read) => service.putInlinePolicy(caller, { kind: 'user', name: user! }, name!, await read(file!)),
  },
  'attach-user-policy': {
    args: ['USER', 'POLICY'],
    run: (service, caller, [user, policy]) => service.attachPolicy(caller, { kind: 'user', name: user! }, managedPolicyArn(policy!)),
  },
  'create-role': {
    args: ['NAME', 'TRUST_FILE'],
    async run(service, caller, [name, file], read) {
      const role = await service.createRole(caller, { roleName: name!, assumeRolePolicyDocument: await read(file!) });
      // Decoded, as the AWS CLI prints it.
      return { Role: { ...roleShape(role), AssumeRolePolicyDocument: JSON.parse(role.trustPolicy) as unknown } };
    },
  },
  'put-role-policy': {
    args: ['ROLE', 'NAME', 'FILE'],
    run: async (service, caller, [role, name, file], read) => service.putInlinePolicy(caller, { kind: 'role', name: role! }, name!, await read(file!)),
  },
};

export interface IamCommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin: () => Promise<string>;
}

const processIo: IamCommandIo = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/**
 * `wharf iam <command> …` against the configured MetadataStore; returns the exit status (0 ok,
 * 1 refused by IAM's rules, 2 usage). Secrets appear only in the output of create-access-key.
 */
export async function runIamCommand(
  positionals: readonly string[],
  options: { readonly config: Config; readonly openMetadata: () => Promise<MetadataStore>; readonly io?: IamCommandIo },
): Promise<number> {
  const io = options.io ?? processIo;
  const [name, ...args] = positionals;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (name === undefined || name === 'help') {
    io.stdout(IAM_USAGE);
    return 0;
  }
  if (!command || args.length !== command.args.length) {
    io.stderr(command ? `usage: wharf iam ${name} ${command.args.join(' ')}` : `unknown iam command: ${name}\n\n${IAM_USAGE}`);
    return 2;
  }
  const { config } = options;
  const registryKey = await loadRegistryKey({ dataDir: config.dataDir, file: config.auth.registryKeyFile });
  const metadata = await options.openMetadata();
  try {
    const service = new IamService({ metadata, clock: systemClock, registryKey, accountId: config.accountId });
    const read = (file: string) => (file === '-' ? io.stdin() : readFile(file, 'utf8'));
    const output = await command.run(service, { principal: rootPrincipal(config.accountId) }, args, read);
    if (output !== undefined) io.stdout(JSON.stringify(output, null, 2));
    return 0;
  } catch (err) {
    if (!isRegistryError(err)) throw err;
    io.stderr(`error: ${ERROR_CATALOGUE[err.code].iam?.code ?? err.code}: ${err.message}`);
    return 1;
  } finally {
    await metadata.close();
  }
}

/** An ARN as given, or the short name of an AWS-managed ECR policy (`ReadOnly` for AmazonEC2ContainerRegistryReadOnly). */
function managedPolicyArn(policy: string): string {
  if (policy.startsWith('arn:')) return policy;
  const found = MANAGED_POLICIES.find((p) => p.name === policy || p.name === `AmazonEC2ContainerRegistry${policy}`);
  if (!found) throw new RegistryError('IAM_NO_SUCH_ENTITY', `no AWS-managed ECR policy is called ${policy} (ReadOnly, PowerUser, FullAccess, PullOnly)`);
  return found.arn;
}
