// An in-process registry (buildApp + listen on 127.0.0.1:0) over real stores, for HTTP tests
// that loop over the metadata stores, kysely-style:
//
//   const STORES = await testStores();           // top level: WHARF_TEST_STORES=sqlite,postgres
//   for (const store of STORES) describe(`x [${store}]`, () => { ... startTestRegistry({ store }) ... });
import { randomBytes } from 'node:crypto';
import { OCI_SPEC_ERROR_CODES } from '../../src/errors/catalogue.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import { buildApp } from '../../src/app.js';
import { validateConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { systemClock, type Clock } from '../../src/domain/clock.js';
import { RegistryKey } from '../../src/crypto/registry-key.js';
import { IamAuthorizer } from '../../src/policy/iam-authorizer.js';
import { GcService } from '../../src/services/gc-service.js';
import { FsBlobStore } from '../../src/storage/blob/fs-blob-store.js';
import type { MetadataStore } from '../../src/storage/metadata/metadata-store.js';
import { openPostgresMetadataStore, openSqliteMetadataStore } from '../../src/storage/metadata/open.js';
import { dropSchema, execute, findPostgres, randomSchemaName } from './postgres.js';
import { basicAuth, type RegistryResponse, type RegistryTarget } from './registry-http.js';

export type StoreKind = 'sqlite' | 'postgres';
const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

let postgresUrl: Promise<string | undefined> | undefined;
const postgres = () => (postgresUrl ??= findPostgres());

/**
 * The metadata stores to run against: `WHARF_TEST_STORES` (comma-separated, default all). Call
 * at the top level of a test file: finding PostgreSQL may start a throwaway cluster stopped
 * after the file. Without PostgreSQL it is left out (loudly), or the run fails under CI=true.
 *
 * The file gets its own PostgreSQL database (a schema per registry inside it), dropped after the
 * file: opening a store runs Kysely's migrator, whose introspection reads every schema of the
 * database and fails ("schema … does not exist") when another file drops one at that moment.
 */
export async function testStores(): Promise<StoreKind[]> {
  const wanted = (process.env.WHARF_TEST_STORES ?? STORE_KINDS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((s) => !STORE_KINDS.includes(s as StoreKind));
  if (unknown.length > 0) throw new Error(`WHARF_TEST_STORES: unknown store ${unknown.join(', ')} (use ${STORE_KINDS.join(', ')})`);
  const kinds = wanted as StoreKind[];
  if (!kinds.includes('postgres')) return kinds;
  const server = await postgres();
  if (server === undefined) return kinds.filter((k) => k !== 'postgres');
  const database = randomSchemaName();
  await execute(server, `create database ${database}`);
  afterAll(() => execute(server, `drop database if exists ${database} with (force)`));
  const url = new URL(server);
  url.pathname = `/${database}`;
  postgresUrl = Promise.resolve(url.href);
  return kinds;
}

export interface TestRegistryOptions {
  readonly store: StoreKind;
  /** Drives the GC grace period, upload TTL and stored timestamps (default: the system clock). */
  readonly clock?: Clock;
  /** Per-section config overrides, e.g. `{ limits: { pageSize: 2 }, gc: { blobGraceSeconds: 0 } }`. */
  readonly config?: { readonly [K in 'limits' | 'gc']?: Partial<Config[K]> };
}

export interface TestRegistry extends RegistryTarget {
  /** `Basic …` with the root credentials. */
  readonly authorization: string;
  readonly clock: Clock;
  /** GC over the registry's own stores, with the configured grace period and upload TTL. */
  readonly gc: GcService;
  /** Root of the FsBlobStore (`blobs/<alg>/<2 hex>/<hex>`, `uploads/<key>`). */
  readonly blobDir: string;
  /** One request with node:http; `path` goes on the wire as given (no `..` or `%2e` normalisation). */
  request(method: string, path: string, opts?: RawRequestOptions): Promise<RegistryResponse>;
  /** WHATWG fetch against the registry, with the root credentials unless `authorization` is set. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Fails the test unless `GET /v2/` still answers 200. */
  expectAlive(): Promise<void>;
  stop(): Promise<void>;
}

export interface RawRequestOptions {
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: Buffer | string;
  /** Send the root credentials (default true). */
  readonly auth?: boolean;
}

export async function startTestRegistry(options: TestRegistryOptions): Promise<TestRegistry> {
  const clock = options.clock ?? systemClock;
  const dir = await mkdtemp(join(tmpdir(), 'wharf-http-'));
  const cleanups: Array<() => Promise<unknown>> = [() => rm(dir, { recursive: true, force: true })];
  const cleanup = async () => {
    const errors: unknown[] = [];
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => errors.push(err));
    if (errors.length > 0) throw errors[0];
  };
  try {
    const metadata = await openStore(options.store, dir, cleanups);
    const config = validateConfig({
      dataDir: dir,
      log: { level: process.env.WHARF_TEST_LOG ?? 'silent' },
      limits: { ...options.config?.limits },
      gc: { ...options.config?.gc },
    });
    const root = { accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(24).toString('base64url') };
    const blobDir = join(dir, 'blobs');
    const blobs = new FsBlobStore(blobDir, clock);
    const app = await buildApp(config, {
      metadata,
      blobs,
      clock,
      root,
      registryKey: new RegistryKey(randomBytes(32)),
      authorizer: new IamAuthorizer({ metadata, clock, config }),
    });
    cleanups.push(() => closeApp(app));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const gc = new GcService({
      metadata,
      blobs,
      clock,
      blobGraceMs: config.gc.blobGraceSeconds * 1000,
      uploadTtlMs: config.gc.uploadTtlSeconds * 1000,
    });
    return registryHandle(app, root, { clock, gc, blobDir, stop: cleanup });
  } catch (err) {
    await cleanup().catch(() => undefined);
    throw err;
  }
}

/**
 * Closes the server; a connection still open after a few seconds (a request the server left
 * hanging) is forced shut and reported, so a leak fails the test instead of hanging the run.
 */
async function closeApp(app: FastifyInstance): Promise<void> {
  const closing = app.close();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    closing.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 5_000))),
  ]);
  clearTimeout(timer);
  if (!timedOut) return;
  app.server.closeAllConnections();
  await closing;
  throw new Error('the registry still had a connection open 5 s after close (forced shut): a request was left hanging');
}

async function openStore(kind: StoreKind, dir: string, cleanups: Array<() => Promise<unknown>>): Promise<MetadataStore> {
  if (kind === 'sqlite') {
    const store = await openSqliteMetadataStore(join(dir, 'wharf.db'));
    cleanups.push(() => store.close());
    return store;
  }
  const url = await postgres();
  if (!url) throw new Error('no PostgreSQL for the tests (see findPostgres)');
  const schema = randomSchemaName();
  cleanups.push(() => dropSchema(url, schema));
  const store = await openPostgresMetadataStore(url, { schema });
  cleanups.push(() => store.close());
  return store;
}

function registryHandle(
  app: FastifyInstance,
  root: { accessKeyId: string; secretAccessKey: string },
  parts: { clock: Clock; gc: GcService; blobDir: string; stop: () => Promise<void> },
): TestRegistry {
  const { port } = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const authorization = basicAuth(root);
  const request: TestRegistry['request'] = (method, path, opts = {}) => {
    const headers: OutgoingHttpHeaders = { ...(opts.auth === false ? {} : { authorization }), ...opts.headers };
    const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
    if (body && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) headers['content-length'] = body.length;
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, timeout: 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path.slice(0, 200)}: no answer in time`)));
      req.on('error', reject);
      req.end(body);
    });
  };
  return {
    url,
    ...root,
    authorization,
    ...parts,
    request,
    fetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', authorization);
      return fetch(new URL(path, url), { ...init, headers });
    },
    async expectAlive() {
      const res = await request('GET', '/v2/');
      expect(res.status, 'the registry still answers GET /v2/').toBe(200);
    },
  };
}

/**
 * A fresh registry for each test of the enclosing `describe`, stopped after it once it has shown
 * it still answers `GET /v2/` (so every error test also checks the server survived). Returns a getter.
 */
export function useTestRegistry(options: TestRegistryOptions | (() => TestRegistryOptions)): () => TestRegistry {
  let current: TestRegistry | undefined;
  beforeEach(async () => {
    current = await startTestRegistry(typeof options === 'function' ? options() : options);
  });
  afterEach(async () => {
    const registry = current;
    current = undefined;
    try {
      await registry?.expectAlive();
    } finally {
      await registry?.stop();
    }
  });
  return () => {
    if (!current) throw new Error('useTestRegistry: no registry outside a test');
    return current;
  };
}

/** The error codes the OCI Distribution Spec defines (UNKNOWN for a server failure). */
export const OCI_ERROR_CODES: readonly string[] = [...OCI_SPEC_ERROR_CODES, 'UNKNOWN'];

export interface OciErrorBody {
  errors: Array<{ code: string; message: string; detail?: unknown }>;
}

/**
 * Asserts an error response: the status and, unless it was a HEAD (no body), a JSON body in the
 * spec's envelope `{"errors":[{"code","message"}]}` whose first code is `code`.
 */
export function expectOciError(res: RegistryResponse, status: number, code: string, method?: string): OciErrorBody | undefined {
  expect(res.status, res.body.toString('utf8').slice(0, 500)).toBe(status);
  if (method === 'HEAD') {
    expect(res.body.length).toBe(0);
    return undefined;
  }
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  const body = JSON.parse(res.body.toString('utf8')) as OciErrorBody;
  expect(Array.isArray(body.errors)).toBe(true);
  expect(body.errors.length).toBeGreaterThan(0);
  for (const error of body.errors) {
    expect(typeof error.code).toBe('string');
    expect(typeof error.message).toBe('string');
  }
  expect(body.errors[0]!.code).toBe(code);
  for (const error of body.errors) expect(OCI_ERROR_CODES, 'a code the OCI Distribution Spec defines').toContain(error.code);
  return body;
}
