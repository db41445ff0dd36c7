import { Type, type Static } from '@sinclair/typebox';

/**
 * The one configuration schema: types, defaults, validation and `wharf config schema` all come
 * from here. Durations are seconds, sizes bytes.
 */
export const ConfigSchema = Type.Object(
  {
    listen: Type.String({ default: '127.0.0.1:5000', description: 'HOST:PORT to listen on' }),
    dataDir: Type.String({ default: './wharf-data', description: 'Embedded storage: SQLite file, blobs, generated credentials' }),
    databaseUrl: Type.Optional(
      Type.String({ pattern: '^postgres(ql)?://', description: 'Use PostgreSQL for metadata instead of SQLite in the data dir' }),
    ),
    region: Type.String({ default: 'us-east-1', pattern: '^[a-z]{2}(-[a-z]+)+-\\d+$' }),
    accountId: Type.String({ default: '000000000000', pattern: '^\\d{12}$' }),
    publicUrl: Type.Optional(Type.String({ description: 'Base URL clients use to reach the registry (else taken from the Host header)' })),
    auth: Type.Object(
      {
        rootAccessKeyId: Type.Optional(Type.String({ minLength: 16, maxLength: 128, pattern: '^[A-Za-z0-9_]+$' })),
        rootSecretAccessKey: Type.Optional(Type.String({ minLength: 16, maxLength: 256 })),
        rootSecretAccessKeyFile: Type.Optional(Type.String({ description: 'File holding the root secret (instead of the value)' })),
        registryKeyFile: Type.Optional(
          Type.String({ description: 'Base64 key (32+ bytes) that encrypts stored secrets and signs login tokens; shared by every node. Default: generated in the data dir' }),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    limits: Type.Object(
      {
        manifestBytes: Type.Integer({ default: 4 * 1024 * 1024, minimum: 1024 }),
        jsonBodyBytes: Type.Integer({ default: 1024 * 1024, minimum: 1024 }),
        maxHeaderBytes: Type.Integer({ default: 16 * 1024, minimum: 1024, description: 'Largest request header block accepted' }),
        maxBlobBytes: Type.Integer({ default: 64 * 1024 ** 3, minimum: 1, description: 'Largest blob accepted by an upload' }),
        pageSize: Type.Integer({ default: 1000, minimum: 1, description: 'Largest page for tag and catalog listings' }),
        requestsPerSecondPerClient: Type.Integer({
          default: 10_000,
          minimum: 0,
          description: 'Token-bucket rate per client address (0 = unlimited)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    repositories: Type.Object(
      {
        createOnPush: Type.Boolean({
          default: true,
          description:
            'Create a missing repository on its first push. false is ECR-strict: a push to a missing repository fails unless a creation template with appliedFor CREATE_ON_PUSH covers its name',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    gc: Type.Object(
      {
        intervalSeconds: Type.Integer({ default: 3600, minimum: 0, description: '0 disables the scheduled run' }),
        blobGraceSeconds: Type.Integer({ default: 3600, minimum: 0, description: 'Unreferenced blobs younger than this are kept' }),
        uploadTtlSeconds: Type.Integer({ default: 24 * 3600, minimum: 0, description: 'Uploads idle for longer are purged' }),
      },
      { additionalProperties: false, default: {} },
    ),
    lifecycle: Type.Object(
      {
        intervalSeconds: Type.Integer({ default: 24 * 3600, minimum: 0, description: 'How often every repository\'s lifecycle policy is applied; 0 disables the scheduled run' }),
      },
      { additionalProperties: false, default: {} },
    ),
    log: Type.Object(
      { level: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }) },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
