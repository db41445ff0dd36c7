import type { Selectable } from 'kysely';
import { RegistryError } from '../../../errors/registry-error.js';
import type { CreationTemplate, CreationTemplateRecords, ResourceTag } from '../metadata-store.js';
import type { CreationTemplatesTable, Db } from '../schema.js';
import { encryptionColumns, filtersColumn, toEncryptionConfiguration, toFilters } from './ecr-settings-columns.js';

export function creationTemplateRecords(db: Db): CreationTemplateRecords {
  return {
    async create(template) {
      const inserted = await db
        .insertInto('creation_templates')
        .values({ prefix: template.prefix, ...templateColumns(template), created_at: template.createdAt.getTime() })
        .onConflict((oc) => oc.column('prefix').doNothing())
        .returning('prefix')
        .executeTakeFirst();
      if (!inserted) throw new RegistryError('TEMPLATE_ALREADY_EXISTS', `a repository creation template for prefix ${template.prefix} already exists`);
    },
    async get(prefix) {
      const row = await db.selectFrom('creation_templates').selectAll().where('prefix', '=', prefix).executeTakeFirst();
      return row && toTemplate(row);
    },
    async list({ last, limit }) {
      let query = db.selectFrom('creation_templates').selectAll().orderBy('prefix').limit(limit);
      if (last !== undefined) query = query.where('prefix', '>', last);
      return (await query.execute()).map(toTemplate);
    },
    async update(template) {
      // Everything but the prefix and the creation time, which belong to the stored template.
      const result = await db
        .updateTable('creation_templates')
        .set(templateColumns(template))
        .where('prefix', '=', template.prefix)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) {
        throw new RegistryError('TEMPLATE_NOT_FOUND', `no repository creation template for prefix ${template.prefix}`);
      }
    },
    async delete(prefix) {
      const result = await db.deleteFrom('creation_templates').where('prefix', '=', prefix).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

/** The columns a create or an update writes, all but `prefix` and `created_at`. */
function templateColumns(t: CreationTemplate) {
  return {
    description: t.description ?? null,
    ...(t.encryptionConfiguration ? encryptionColumns(t.encryptionConfiguration) : { encryption_type: null, kms_key: null }),
    resource_tags: JSON.stringify(t.resourceTags.map(({ Key, Value }) => ({ Key, Value }))),
    image_tag_mutability: t.imageTagMutability,
    image_tag_mutability_exclusion_filters: filtersColumn(t.imageTagMutabilityExclusionFilters),
    repository_policy: t.repositoryPolicy ?? null,
    lifecycle_policy: t.lifecyclePolicy ?? null,
    applied_for: JSON.stringify(t.appliedFor),
    custom_role_arn: t.customRoleArn ?? null,
    updated_at: t.updatedAt.getTime(),
  };
}

function toTemplate(row: Selectable<CreationTemplatesTable>): CreationTemplate {
  return {
    prefix: row.prefix,
    description: row.description ?? undefined,
    encryptionConfiguration: row.encryption_type === null ? undefined : toEncryptionConfiguration(row.encryption_type, row.kms_key),
    resourceTags: JSON.parse(row.resource_tags) as ResourceTag[],
    imageTagMutability: row.image_tag_mutability,
    imageTagMutabilityExclusionFilters: toFilters(row.image_tag_mutability_exclusion_filters),
    repositoryPolicy: row.repository_policy ?? undefined,
    lifecyclePolicy: row.lifecycle_policy ?? undefined,
    appliedFor: JSON.parse(row.applied_for) as CreationTemplate['appliedFor'],
    customRoleArn: row.custom_role_arn ?? undefined,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
