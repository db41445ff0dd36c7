import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { ConfigSchema, type Config } from './schema.js';

export interface ConfigSources {
  /** Parsed command-line flags, already mapped to config keys (e.g. { listen, dataDir }). */
  readonly flags?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Config file path; defaults to `WHARF_CONFIG` from env. */
  readonly file?: string | undefined;
}

/** Env names the command-line contract promises, beside the generic `WHARF_<SECTION>_<KEY>` scheme. */
const ENV_ALIASES: Readonly<Record<string, string>> = {
  WHARF_ROOT_ACCESS_KEY_ID: 'auth.rootAccessKeyId',
  WHARF_ROOT_SECRET_ACCESS_KEY: 'auth.rootSecretAccessKey',
};

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Loads configuration: schema defaults, then the file (YAML or JSON), then `WHARF_*` env, then
 * flags; validated with unknown keys rejected, and deep-frozen. Every problem is reported at once.
 */
export async function loadConfig(sources: ConfigSources = {}): Promise<Config> {
  const env = sources.env ?? process.env;
  const file = sources.file ?? env.WHARF_CONFIG;
  const merged: Record<string, unknown> = {};
  if (file) deepMerge(merged, await readConfigFile(file));
  deepMerge(merged, envOverrides(env));
  deepMerge(merged, sources.flags ?? {});
  return validateConfig(merged);
}

export function validateConfig(input: Record<string, unknown>): Config {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: true, strict: false });
  const validate = ajv.compile<Config>(ConfigSchema);
  const candidate = structuredClone(input);
  if (!validate(candidate)) {
    const problems = (validate.errors ?? []).map((e) => {
      const where = e.instancePath ? e.instancePath.slice(1).replaceAll('/', '.') : '(root)';
      const extra = e.keyword === 'additionalProperties' ? ` "${String(e.params.additionalProperty)}"` : '';
      return `${where}: ${e.message ?? 'invalid'}${extra}`;
    });
    throw new ConfigError(problems);
  }
  return deepFreeze(candidate);
}

async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`config file ${file}: ${(err as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = path.extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    // The parser's first line only, without quoted source: the offending text may be a secret.
    const reason = (err as Error).message.split('\n', 1)[0]!.replace(/:$/, '').replace(/, .*is not valid JSON$/, ' in JSON');
    throw new ConfigError([`config file ${file}: ${reason}`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError([`config file ${file}: not a mapping`]);
  return parsed as Record<string, unknown>;
}

/** Maps `WHARF_<SECTION>_<KEY>` (and the aliases) onto schema paths; values are coerced by the schema. */
function envOverrides(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const byEnvName = new Map<string, string>(Object.entries(ENV_ALIASES));
  for (const [key, prop] of Object.entries(ConfigSchema.properties)) {
    const nested = (prop as { properties?: Record<string, unknown> }).properties;
    if (nested) {
      for (const sub of Object.keys(nested)) byEnvName.set(`WHARF_${snake(key)}_${snake(sub)}`, `${key}.${sub}`);
    } else {
      byEnvName.set(`WHARF_${snake(key)}`, key);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [name, configPath] of byEnvName) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const [head, tail] = configPath.split('.') as [string, string | undefined];
    if (tail === undefined) out[head] = value;
    else out[head] = { ...((out[head] as object | undefined) ?? {}), [tail]: value };
  }
  return out;
}

function snake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

function deepMerge(target: Record<string, unknown>, source: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const existing = target[key];
    if (isPlainObject(value) && isPlainObject(existing)) deepMerge(existing, value);
    else target[key] = isPlainObject(value) ? { ...value } : value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (isPlainObject(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
