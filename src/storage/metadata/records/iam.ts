import type { Selectable } from 'kysely';
import { RegistryError } from '../../../errors/registry-error.js';
import type { StoreDialect } from '../dialect.js';
import type { AccessKeyRecord, IamRecords, IamRole, IamUser, SessionRecord } from '../metadata-store.js';
import type { Db, IamAccessKeysTable, IamRolesTable, IamSessionsTable, IamUsersTable } from '../schema.js';

/**
 * IAM users, roles, access keys, policies and STS sessions. Deleting a user or role locks its
 * row first, so that the checks for what still hangs off it and the delete see the same state.
 */
export function iamRecords(db: Db, dialect: StoreDialect): IamRecords {
  /** Why a principal cannot be deleted yet, in IAM's words, or undefined if it can. */
  const policiesLeft = async (principalArn: string) => {
    const inline = await db.selectFrom('iam_inline_policies').select('name').where('principal_arn', '=', principalArn).limit(1).executeTakeFirst();
    if (inline) return 'must delete policies first';
    const attached = await db
      .selectFrom('iam_attached_policies')
      .select('policy_arn')
      .where('principal_arn', '=', principalArn)
      .limit(1)
      .executeTakeFirst();
    return attached ? 'must detach all policies first' : undefined;
  };
  const deleteConflict = (reason: string) => new RegistryError('IAM_DELETE_CONFLICT', `Cannot delete entity, ${reason}.`);
  const entityExists = (kind: string, name: string) => new RegistryError('IAM_ENTITY_EXISTS', `${kind} with name ${name} already exists.`);

  return {
    async createUser(user) {
      // No conflict target: the name (in any case), the user id or the ARN being taken all mean
      // the user exists.
      const inserted = await db
        .insertInto('iam_users')
        .values({
          account_id: user.accountId,
          name: user.name,
          path: user.path,
          user_id: user.userId,
          arn: user.arn,
          created_at: user.createdAt.getTime(),
        })
        .onConflict((oc) => oc.doNothing())
        .returning('name')
        .executeTakeFirst();
      if (!inserted) throw entityExists('User', user.name);
    },
    async getUser(accountId, name) {
      const row = await db.selectFrom('iam_users').selectAll().where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
      return row && toUser(row);
    },
    async listUsers(accountId, { last, limit }) {
      let query = db.selectFrom('iam_users').selectAll().where('account_id', '=', accountId).orderBy('name').limit(limit);
      if (last !== undefined) query = query.where('name', '>', last);
      return (await query.execute()).map(toUser);
    },
    async deleteUser(accountId, name) {
      const user = await db
        .selectFrom('iam_users')
        .select('arn')
        .where('account_id', '=', accountId)
        .where('name', '=', name)
        .$call(dialect.forUpdate)
        .executeTakeFirst();
      if (!user) return false;
      const key = await db
        .selectFrom('iam_access_keys')
        .select('access_key_id')
        .where('account_id', '=', accountId)
        .where('user_name', '=', name)
        .limit(1)
        .executeTakeFirst();
      const reason = key ? 'must delete access keys first' : await policiesLeft(user.arn);
      if (reason) throw deleteConflict(reason);
      await db.deleteFrom('iam_users').where('account_id', '=', accountId).where('name', '=', name).execute();
      return true;
    },

    async createAccessKey(key) {
      await db
        .insertInto('iam_access_keys')
        .values({
          access_key_id: key.accessKeyId,
          account_id: key.accountId,
          user_name: key.userName ?? null,
          secret_ciphertext: key.secretCiphertext,
          status: key.status,
          created_at: key.createdAt.getTime(),
        })
        .execute();
    },
    async getAccessKey(accessKeyId) {
      const row = await db.selectFrom('iam_access_keys').selectAll().where('access_key_id', '=', accessKeyId).executeTakeFirst();
      return row && toAccessKey(row);
    },
    async listAccessKeys(accountId, userName) {
      const rows = await db
        .selectFrom('iam_access_keys')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('user_name', userName === undefined ? 'is' : '=', userName ?? null)
        .orderBy('created_at')
        .orderBy('access_key_id')
        .execute();
      return rows.map(toAccessKey);
    },
    async deleteAccessKey(accessKeyId) {
      const result = await db.deleteFrom('iam_access_keys').where('access_key_id', '=', accessKeyId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async createRole(role) {
      const inserted = await db
        .insertInto('iam_roles')
        .values({
          account_id: role.accountId,
          name: role.name,
          path: role.path,
          role_id: role.roleId,
          arn: role.arn,
          trust_policy: role.trustPolicy,
          description: role.description ?? null,
          max_session_duration_seconds: role.maxSessionDurationSeconds,
          created_at: role.createdAt.getTime(),
        })
        .onConflict((oc) => oc.doNothing())
        .returning('name')
        .executeTakeFirst();
      if (!inserted) throw entityExists('Role', role.name);
    },
    async getRole(accountId, name) {
      const row = await db.selectFrom('iam_roles').selectAll().where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
      return row && toRole(row);
    },
    async listRoles(accountId, { last, limit }) {
      let query = db.selectFrom('iam_roles').selectAll().where('account_id', '=', accountId).orderBy('name').limit(limit);
      if (last !== undefined) query = query.where('name', '>', last);
      return (await query.execute()).map(toRole);
    },
    async deleteRole(accountId, name) {
      const role = await db
        .selectFrom('iam_roles')
        .select('arn')
        .where('account_id', '=', accountId)
        .where('name', '=', name)
        .$call(dialect.forUpdate)
        .executeTakeFirst();
      if (!role) return false;
      const reason = await policiesLeft(role.arn);
      if (reason) throw deleteConflict(reason);
      await db.deleteFrom('iam_roles').where('account_id', '=', accountId).where('name', '=', name).execute();
      return true;
    },

    async putInlinePolicy(principalArn, name, document) {
      await db
        .insertInto('iam_inline_policies')
        .values({ principal_arn: principalArn, name, document })
        .onConflict((oc) => oc.columns(['principal_arn', 'name']).doUpdateSet({ document }))
        .execute();
    },
    async getInlinePolicy(principalArn, name) {
      const row = await db
        .selectFrom('iam_inline_policies')
        .select('document')
        .where('principal_arn', '=', principalArn)
        .where('name', '=', name)
        .executeTakeFirst();
      return row?.document;
    },
    async deleteInlinePolicy(principalArn, name) {
      const result = await db
        .deleteFrom('iam_inline_policies')
        .where('principal_arn', '=', principalArn)
        .where('name', '=', name)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    listInlinePolicies: (principalArn) =>
      db.selectFrom('iam_inline_policies').select(['name', 'document']).where('principal_arn', '=', principalArn).orderBy('name').execute(),

    async attachPolicy(principalArn, policyArn) {
      await db
        .insertInto('iam_attached_policies')
        .values({ principal_arn: principalArn, policy_arn: policyArn })
        .onConflict((oc) => oc.columns(['principal_arn', 'policy_arn']).doNothing())
        .execute();
    },
    async detachPolicy(principalArn, policyArn) {
      const result = await db
        .deleteFrom('iam_attached_policies')
        .where('principal_arn', '=', principalArn)
        .where('policy_arn', '=', policyArn)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async listAttachedPolicies(principalArn) {
      const rows = await db
        .selectFrom('iam_attached_policies')
        .select('policy_arn')
        .where('principal_arn', '=', principalArn)
        .orderBy('policy_arn')
        .execute();
      return rows.map((r) => r.policy_arn);
    },

    async createSession(session) {
      await db
        .insertInto('iam_sessions')
        .values({
          access_key_id: session.accessKeyId,
          secret_ciphertext: session.secretCiphertext,
          session_token_hash: session.sessionTokenHash,
          account_id: session.accountId,
          role_arn: session.roleArn,
          session_name: session.sessionName,
          expires_at: session.expiresAt.getTime(),
        })
        .execute();
    },
    async getSession(accessKeyId) {
      const row = await db.selectFrom('iam_sessions').selectAll().where('access_key_id', '=', accessKeyId).executeTakeFirst();
      return row && toSession(row);
    },
    async deleteExpiredSessions(now) {
      const result = await db.deleteFrom('iam_sessions').where('expires_at', '<=', now.getTime()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toUser(row: Selectable<IamUsersTable>): IamUser {
  return { accountId: row.account_id, name: row.name, path: row.path, userId: row.user_id, arn: row.arn, createdAt: new Date(row.created_at) };
}

function toAccessKey(row: Selectable<IamAccessKeysTable>): AccessKeyRecord {
  return {
    accessKeyId: row.access_key_id,
    accountId: row.account_id,
    userName: row.user_name ?? undefined,
    secretCiphertext: row.secret_ciphertext,
    status: row.status,
    createdAt: new Date(row.created_at),
  };
}

function toRole(row: Selectable<IamRolesTable>): IamRole {
  return {
    accountId: row.account_id,
    name: row.name,
    path: row.path,
    roleId: row.role_id,
    arn: row.arn,
    trustPolicy: row.trust_policy,
    description: row.description ?? undefined,
    maxSessionDurationSeconds: row.max_session_duration_seconds,
    createdAt: new Date(row.created_at),
  };
}

function toSession(row: Selectable<IamSessionsTable>): SessionRecord {
  return {
    accessKeyId: row.access_key_id,
    secretCiphertext: row.secret_ciphertext,
    sessionTokenHash: row.session_token_hash,
    accountId: row.account_id,
    roleArn: row.role_arn,
    sessionName: row.session_name,
    expiresAt: new Date(row.expires_at),
  };
}
