import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, validateConfig } from '../../src/config/load.js';
import { ConfigSchema } from '../../src/config/schema.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wharf-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, text);
  return p;
}

async function problemsOf(promise: Promise<unknown>): Promise<readonly string[]> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const DEFAULTS = {
  listen: '127.0.0.1:5000',
  dataDir: './wharf-data',
  region: 'us-east-1',
  accountId: '000000000000',
  auth: {},
  limits: {
    manifestBytes: 4 * 1024 * 1024,
    jsonBodyBytes: 1024 * 1024,
    maxHeaderBytes: 16 * 1024,
    maxBlobBytes: 64 * 1024 ** 3,
    pageSize: 1000,
    requestsPerSecondPerClient: 10_000,
  },
  repositories: { createOnPush: true },
  gc: { intervalSeconds: 3600, blobGraceSeconds: 3600, uploadTtlSeconds: 86_400 },
  lifecycle: { intervalSeconds: 86_400 },
  log: { level: 'info' },
};

describe('loadConfig', () => {
  it('fills every default when nothing is given (secure defaults: loopback, auth on)', async () => {
    const config = await loadConfig({ env: {} });
    expect(config).toEqual(DEFAULTS);
    expect(config.listen.startsWith('127.0.0.1:')).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
  });

  it('does not read process.env when an env is given', async () => {
    const before = process.env.WHARF_LISTEN;
    process.env.WHARF_LISTEN = '0.0.0.0:1';
    try {
      expect((await loadConfig({ env: {} })).listen).toBe('127.0.0.1:5000');
    } finally {
      if (before === undefined) delete process.env.WHARF_LISTEN;
      else process.env.WHARF_LISTEN = before;
    }
  });

  it('reads a YAML file, keeping defaults for what it leaves out', async () => {
    const p = await file(
      'wharf.yaml',
      ['# comment', 'listen: 0.0.0.0:5000', 'dataDir: /var/lib/wharf', 'gc:', '  intervalSeconds: 60', 'log:', '  level: debug', ''].join('\n'),
    );
    const config = await loadConfig({ file: p, env: {} });
    expect(config.listen).toBe('0.0.0.0:5000');
    expect(config.dataDir).toBe('/var/lib/wharf');
    expect(config.gc).toEqual({ intervalSeconds: 60, blobGraceSeconds: 3600, uploadTtlSeconds: 86_400 });
    expect(config.log.level).toBe('debug');
    expect(config.limits).toEqual(DEFAULTS.limits);
  });

  it('reads a JSON file', async () => {
    const p = await file('wharf.json', JSON.stringify({ region: 'eu-west-2', accountId: '123456789012', limits: { pageSize: 50 } }));
    const config = await loadConfig({ file: p, env: {} });
    expect(config.region).toBe('eu-west-2');
    expect(config.accountId).toBe('123456789012');
    expect(config.limits.pageSize).toBe(50);
    expect(config.limits.manifestBytes).toBe(DEFAULTS.limits.manifestBytes);
  });

  it('finds the file through WHARF_CONFIG', async () => {
    const p = await file('from-env.yml', 'listen: 10.0.0.1:80\n');
    expect((await loadConfig({ env: { WHARF_CONFIG: p } })).listen).toBe('10.0.0.1:80');
  });

  it('treats an empty file as no settings', async () => {
    const p = await file('empty.yaml', '');
    expect(await loadConfig({ file: p, env: {} })).toEqual(DEFAULTS);
  });

  it.each([
    ['a YAML list', 'list.yaml', '- a\n- b\n'],
    ['a YAML scalar', 'scalar.yaml', 'just text\n'],
    ['a JSON array', 'array.json', '[1,2]'],
  ])('refuses a file holding %s', async (_why, name, text) => {
    const p = await file(name, text);
    expect(await problemsOf(loadConfig({ file: p, env: {} }))).toEqual([`config file ${p}: not a mapping`]);
  });

  it.each([
    ['malformed JSON', 'bad.json', '{"listen": '],
    ['malformed YAML', 'bad.yaml', 'listen: [unclosed\n'],
  ])('reports %s as a config problem naming the file', async (_why, name, text) => {
    const p = await file(name, text);
    const problems = await problemsOf(loadConfig({ file: p, env: {} }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`config file ${p}:`);
  });

  it.each([
    ['JSON', 'secret.json', '{"auth": {"rootSecretAccessKey": "TOP-SECRET-VALUE-123" oops}}'],
    ['YAML', 'secret.yaml', 'auth:\n  rootSecretAccessKey: "TOP-SECRET-VALUE-123\n  x: [\n'],
  ])('does not echo the file (which may hold a secret) in a %s parse error', async (_why, name, text) => {
    const p = await file(name, text);
    const problems = await problemsOf(loadConfig({ file: p, env: {} }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).not.toContain('TOP-SECRET');
    expect(problems[0]).not.toContain('\n');
  });

  it('reports a missing file as a config problem', async () => {
    const p = path.join(dir, 'missing.yaml');
    const problems = await problemsOf(loadConfig({ file: p, env: {} }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^config file ${p}: .*ENOENT`));
  });

  it.each([
    ['WHARF_LISTEN', '0.0.0.0:6000', (c: Awaited<ReturnType<typeof loadConfig>>) => c.listen, '0.0.0.0:6000'],
    ['WHARF_DATA_DIR', '/srv/wharf', (c: Awaited<ReturnType<typeof loadConfig>>) => c.dataDir, '/srv/wharf'],
    ['WHARF_DATABASE_URL', 'postgres://db/wharf', (c: Awaited<ReturnType<typeof loadConfig>>) => c.databaseUrl, 'postgres://db/wharf'],
    ['WHARF_ACCOUNT_ID', '111122223333', (c: Awaited<ReturnType<typeof loadConfig>>) => c.accountId, '111122223333'],
    ['WHARF_GC_INTERVAL_SECONDS', '120', (c: Awaited<ReturnType<typeof loadConfig>>) => c.gc.intervalSeconds, 120],
    ['WHARF_GC_BLOB_GRACE_SECONDS', '0', (c: Awaited<ReturnType<typeof loadConfig>>) => c.gc.blobGraceSeconds, 0],
    ['WHARF_LIMITS_PAGE_SIZE', '25', (c: Awaited<ReturnType<typeof loadConfig>>) => c.limits.pageSize, 25],
    ['WHARF_LIMITS_REQUESTS_PER_SECOND_PER_CLIENT', '0', (c: Awaited<ReturnType<typeof loadConfig>>) => c.limits.requestsPerSecondPerClient, 0],
    ['WHARF_LOG_LEVEL', 'warn', (c: Awaited<ReturnType<typeof loadConfig>>) => c.log.level, 'warn'],
    ['WHARF_AUTH_ROOT_ACCESS_KEY_ID', 'AKIAEXAMPLEEXAMPLE01', (c: Awaited<ReturnType<typeof loadConfig>>) => c.auth.rootAccessKeyId, 'AKIAEXAMPLEEXAMPLE01'],
    ['WHARF_ROOT_ACCESS_KEY_ID', 'AKIAEXAMPLEEXAMPLE02', (c: Awaited<ReturnType<typeof loadConfig>>) => c.auth.rootAccessKeyId, 'AKIAEXAMPLEEXAMPLE02'],
    ['WHARF_ROOT_SECRET_ACCESS_KEY', 's3cr3t-s3cr3t-s3cr3t', (c: Awaited<ReturnType<typeof loadConfig>>) => c.auth.rootSecretAccessKey, 's3cr3t-s3cr3t-s3cr3t'],
  ])('env %s=%s overrides the default', async (name, value, pick, expected) => {
    expect(pick(await loadConfig({ env: { [name]: value } }))).toBe(expected);
  });

  it('ignores empty env values', async () => {
    expect((await loadConfig({ env: { WHARF_LISTEN: '', WHARF_GC_INTERVAL_SECONDS: '' } })).listen).toBe(DEFAULTS.listen);
  });

  it('maps every schema key to a WHARF_<SECTION>_<KEY> variable', async () => {
    // One env variable per leaf key; each must land on its key (values valid for every leaf's type).
    const env: Record<string, string> = {};
    const expected: Record<string, unknown> = {};
    const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
    const sample: Record<string, string> = {
      listen: '0.0.0.0:1',
      dataDir: '/d',
      databaseUrl: 'postgresql://x',
      region: 'ap-south-1',
      accountId: '999999999999',
      'auth.rootAccessKeyId': 'AKIA0000000000000000',
      'auth.rootSecretAccessKey': 'x'.repeat(40),
      'log.level': 'error',
    };
    for (const [key, prop] of Object.entries(ConfigSchema.properties)) {
      type Leaf = { type?: string; pattern?: string; minLength?: number };
      const nested = (prop as { properties?: Record<string, Leaf> }).properties;
      for (const [sub, subProp] of nested ? Object.entries(nested) : [[undefined, prop as Leaf] as const]) {
        const dotted = sub === undefined ? key : `${key}.${sub}`;
        // Integers and unconstrained strings get a generic value; constrained keys need a sample above.
        // Booleans get the opposite of their default where known ('false' for createOnPush's true).
        const generic =
          subProp.type === 'integer' ? '4096' : subProp.type === 'boolean' ? 'false' : subProp.type === 'string' && !subProp.pattern && !subProp.minLength ? `/value/of/${dotted}` : undefined;
        const value = sample[dotted] ?? generic;
        expect(value, `a sample value for ${dotted}`).toBeDefined();
        env[sub === undefined ? `WHARF_${snake(key)}` : `WHARF_${snake(key)}_${snake(sub)}`] = value!;
        expected[dotted] = subProp.type === 'integer' ? Number(value) : subProp.type === 'boolean' ? value === 'true' : value;
      }
    }
    const config = (await loadConfig({ env })) as unknown as Record<string, Record<string, unknown>>;
    for (const [dotted, value] of Object.entries(expected)) {
      const [head, tail] = dotted.split('.') as [string, string | undefined];
      expect(tail === undefined ? config[head] : config[head]![tail], dotted).toBe(value);
    }
  });

  it('applies defaults < file < env < flags', async () => {
    const p = await file('wharf.yaml', 'listen: file:1\ndataDir: /from-file\nregion: eu-north-1\ngc:\n  intervalSeconds: 10\n  blobGraceSeconds: 20\n');
    const config = await loadConfig({
      file: p,
      env: { WHARF_DATA_DIR: '/from-env', WHARF_LISTEN: 'env:2', WHARF_GC_INTERVAL_SECONDS: '30' },
      flags: { listen: 'flag:3', dataDir: undefined, gc: { blobGraceSeconds: 40 } },
    });
    expect(config.listen).toBe('flag:3'); // flag over env over file
    expect(config.dataDir).toBe('/from-env'); // an absent flag leaves env in place
    expect(config.region).toBe('eu-north-1'); // file over default
    expect(config.accountId).toBe(DEFAULTS.accountId); // default
    expect(config.gc).toEqual({ intervalSeconds: 30, blobGraceSeconds: 40, uploadTtlSeconds: 86_400 }); // merged per key
  });

  it('rejects unknown keys, at the top level and in sections', async () => {
    const p = await file('wharf.yaml', 'listen: a:1\nlisten_port: 5\ngc:\n  interval: 60\n');
    const problems = await problemsOf(loadConfig({ file: p, env: {} }));
    expect(problems).toEqual(expect.arrayContaining(['(root): must NOT have additional properties "listen_port"', 'gc: must NOT have additional properties "interval"']));
  });

  it('reports several problems at once, each naming its key', async () => {
    const p = await file(
      'wharf.json',
      JSON.stringify({ bogus: true, region: 'nowhere', accountId: '12', gc: { intervalSeconds: -1 }, log: { level: 'loud' } }),
    );
    const problems = await problemsOf(loadConfig({ file: p, env: { WHARF_LIMITS_PAGE_SIZE: 'lots' } }));
    const keys = problems.map((line) => line.split(':')[0]);
    expect(keys).toEqual(expect.arrayContaining(['(root)', 'region', 'accountId', 'gc.intervalSeconds', 'log.level', 'limits.pageSize']));
    await expect(loadConfig({ file: p, env: {} })).rejects.toThrow(/invalid configuration:\n {2}/);
  });

  it('never puts a secret value into its errors', async () => {
    const secret = 'short-secret';
    const problems = await problemsOf(loadConfig({ env: { WHARF_ROOT_SECRET_ACCESS_KEY: secret, WHARF_ROOT_ACCESS_KEY_ID: 'bad id!' } }));
    expect(problems.some((line) => line.startsWith('auth.rootSecretAccessKey:'))).toBe(true);
    expect(problems.some((line) => line.startsWith('auth.rootAccessKeyId:'))).toBe(true);
    expect(problems.join('\n')).not.toContain(secret);
  });

  it('returns a deep-frozen result', async () => {
    const config = await loadConfig({ env: {} });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.gc)).toBe(true);
    expect(Object.isFrozen(config.limits)).toBe(true);
    expect(() => {
      (config.gc as { intervalSeconds: number }).intervalSeconds = 1;
    }).toThrow(TypeError);
  });
});

describe('validateConfig', () => {
  it('does not modify its input', () => {
    const input = { gc: { intervalSeconds: '5' } };
    const config = validateConfig(input);
    expect(config.gc.intervalSeconds).toBe(5);
    expect(input).toEqual({ gc: { intervalSeconds: '5' } });
    expect(Object.isFrozen(input)).toBe(false);
  });

  it.each([
    [{ databaseUrl: 'mysql://x' }, 'databaseUrl'],
    [{ limits: { manifestBytes: 10 } }, 'limits.manifestBytes'],
    [{ limits: { pageSize: 0 } }, 'limits.pageSize'],
    [{ limits: { pageSize: 1.5 } }, 'limits.pageSize'],
    [{ auth: { rootAccessKeyId: 'short' } }, 'auth.rootAccessKeyId'],
    [{ auth: 'yes' }, 'auth'],
  ])('refuses %o at %s', (input, key) => {
    let problems: readonly string[] = [];
    try {
      validateConfig(input);
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems.map((line) => line.split(':')[0])).toContain(key);
  });
});
