import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type RunResult } from './exec.js';

/**
 * A private containers/storage for podman and buildah: its own graph root and run root in a temp
 * dir (vfs driver, so nothing is mounted and the dir can simply be removed), selected through
 * CONTAINERS_STORAGE_CONF, plus podman's own tmp dir and no event log. The machine's image store
 * is never touched. (podman still creates the empty directory /run/containers/networks.)
 */
export class ContainersStorage {
  private constructor(
    readonly dir: string,
    private readonly env: Record<string, string>,
  ) {}

  static async create(): Promise<ContainersStorage> {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-containers-'));
    await mkdir(join(dir, 'tmp'));
    const conf = join(dir, 'storage.conf');
    await writeFile(conf, `[storage]\ndriver = "vfs"\ngraphroot = "${dir}/root"\nrunroot = "${dir}/run"\n`);
    return new ContainersStorage(dir, { CONTAINERS_STORAGE_CONF: conf });
  }

  buildah(args: readonly string[], allowFailure = false): Promise<RunResult> {
    return run('buildah', args, { env: this.env, timeoutMs: 300_000, allowFailure });
  }

  podman(args: readonly string[], allowFailure = false): Promise<RunResult> {
    const global = ['--tmpdir', join(this.dir, 'tmp'), '--events-backend', 'none', '--cgroup-manager', 'cgroupfs'];
    return run('podman', [...global, ...args], { env: this.env, timeoutMs: 300_000, allowFailure });
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
