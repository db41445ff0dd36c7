import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/**
 * The ECR control plane and IAM: repository settings and policy, image size and last pull on
 * manifests, resource tags, registry-wide documents, repository creation templates, IAM users,
 * access keys, roles, their policies and STS sessions. Existing repositories get the default
 * settings (MUTABLE, no exclusion filters, no scan on push, AES256) from the column defaults.
 *
 * Settings are columns, not one JSON document, so that `updateSettings` writes only the fields it
 * changes in one UPDATE (no read-modify-write to lose a concurrent change). The exclusion filters,
 * a list nothing queries inside, are JSON text like annotations.
 */
export function ecrAndIam(dialect: StoreDialect): Migration {
  const { byteOrderText } = dialect.columns;
  return {
    async up(db: Kysely<any>) {
      // One column per statement: SQLite's ALTER TABLE adds one at a time.
      type AddColumn = Parameters<ReturnType<Kysely<any>['schema']['alterTable']>['addColumn']>;
      const addColumn = (table: string, ...args: AddColumn) => db.schema.alterTable(table).addColumn(...args).execute();
      await addColumn('repositories', 'image_tag_mutability', 'text', (c) => c.notNull().defaultTo('MUTABLE'));
      await addColumn('repositories', 'image_tag_mutability_exclusion_filters', 'text', (c) => c.notNull().defaultTo('[]'));
      await addColumn('repositories', 'scan_on_push', 'integer', (c) => c.notNull().defaultTo(0));
      await addColumn('repositories', 'encryption_type', 'text', (c) => c.notNull().defaultTo('AES256'));
      await addColumn('repositories', 'kms_key', 'text');
      await addColumn('repositories', 'policy', 'text');
      await addColumn('manifests', 'image_size', 'bigint', (c) => c.notNull().defaultTo(0));
      await addColumn('manifests', 'last_pulled_at', 'bigint');

      await db.schema
        .createTable('resource_tags')
        .addColumn('arn', 'text', (c) => c.notNull())
        .addColumn('key', byteOrderText, (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('resource_tags_pk', ['arn', 'key'])
        .execute();

      await db.schema
        .createTable('registry_documents')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('creation_templates')
        .addColumn('prefix', byteOrderText, (c) => c.primaryKey())
        .addColumn('description', 'text')
        .addColumn('encryption_type', 'text')
        .addColumn('kms_key', 'text')
        .addColumn('resource_tags', 'text', (c) => c.notNull())
        .addColumn('image_tag_mutability', 'text', (c) => c.notNull())
        .addColumn('image_tag_mutability_exclusion_filters', 'text', (c) => c.notNull())
        .addColumn('repository_policy', 'text')
        .addColumn('lifecycle_policy', 'text')
        .addColumn('applied_for', 'text', (c) => c.notNull())
        .addColumn('custom_role_arn', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('iam_users')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('name', byteOrderText, (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().unique())
        .addColumn('arn', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('iam_users_pk', ['account_id', 'name'])
        .execute();
      // IAM names are unique without regard to case (no "Alice" next to "alice"); they are ASCII,
      // which lower() folds alike on both databases.
      await db.schema.createIndex('iam_users_name_ci').on('iam_users').unique().columns(['account_id']).expression(sql`lower(name)`).execute();

      await db.schema
        .createTable('iam_access_keys')
        .addColumn('access_key_id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        // Null for the account root's keys, which the foreign key then does not check.
        .addColumn('user_name', byteOrderText)
        .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // No cascade: a user is deleted only once its keys are (DeleteConflict otherwise).
        .addForeignKeyConstraint('iam_access_keys_user', ['account_id', 'user_name'], 'iam_users', ['account_id', 'name'])
        .addCheckConstraint('iam_access_keys_status', sql`status in ('Active', 'Inactive')`)
        .execute();
      await db.schema.createIndex('iam_access_keys_user').on('iam_access_keys').columns(['account_id', 'user_name']).execute();

      await db.schema
        .createTable('iam_roles')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('name', byteOrderText, (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('role_id', 'text', (c) => c.notNull().unique())
        .addColumn('arn', 'text', (c) => c.notNull().unique())
        .addColumn('trust_policy', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('max_session_duration_seconds', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('iam_roles_pk', ['account_id', 'name'])
        .execute();
      await db.schema.createIndex('iam_roles_name_ci').on('iam_roles').unique().columns(['account_id']).expression(sql`lower(name)`).execute();

      // Keyed by the principal's ARN (a user or a role), so no foreign key.
      await db.schema
        .createTable('iam_inline_policies')
        .addColumn('principal_arn', 'text', (c) => c.notNull())
        .addColumn('name', byteOrderText, (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('iam_inline_policies_pk', ['principal_arn', 'name'])
        .execute();

      await db.schema
        .createTable('iam_attached_policies')
        .addColumn('principal_arn', 'text', (c) => c.notNull())
        .addColumn('policy_arn', byteOrderText, (c) => c.notNull())
        .addPrimaryKeyConstraint('iam_attached_policies_pk', ['principal_arn', 'policy_arn'])
        .execute();

      // A session outlives its role's deletion until it expires, as in STS: no foreign key.
      await db.schema
        .createTable('iam_sessions')
        .addColumn('access_key_id', 'text', (c) => c.primaryKey())
        .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
        .addColumn('session_token_hash', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('role_arn', 'text', (c) => c.notNull())
        .addColumn('session_name', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('iam_sessions_expires_at').on('iam_sessions').column('expires_at').execute();
    },
  };
}
