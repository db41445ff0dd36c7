import { spawn } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type RunResult } from './exec.js';

export interface Containerd {
  dir: string;
  /** Runs `ctr -a SOCKET ARGS…` with the native snapshotter (plain directories, nothing mounted). */
  ctr(args: readonly string[], allowFailure?: boolean): Promise<RunResult>;
  /** Everything containerd printed. */
  logs(): string;
  stop(): Promise<void>;
}

/**
 * A private containerd: its own root, state and socket in a temp dir, the CRI plugin disabled
 * (so it opens no TCP listener), as in shared/reference/real-clients.md.
 */
export async function startContainerd(): Promise<Containerd> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-ctrd-'));
  const socket = join(dir, 'containerd.sock');
  const config = join(dir, 'config.toml');
  await writeFile(
    config,
    [
      'version = 2',
      `root = "${dir}/root"`,
      `state = "${dir}/state"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = "${socket}"`,
      '[ttrpc]',
      `  address = "${socket}.ttrpc"`,
      '',
    ].join('\n'),
  );
  const child = spawn('containerd', ['--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (output += s));
  // If the test process ends without stop(), containerd must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((res) =>
    child.once('exit', () => {
      process.off('exit', killOnExit);
      res();
    }),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (running()) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const ctr = (args: readonly string[], allowFailure = false) =>
    run('ctr', ['-a', socket, ...args], { env: { CONTAINERD_SNAPSHOTTER: 'native' }, timeoutMs: 300_000, allowFailure });

  for (let i = 0; ; i++) {
    if (!running()) {
      await stop();
      throw new Error(`containerd exited during start-up:\n${output}`);
    }
    const ready = await access(socket).then(
      () => ctr(['version'], true).then((r) => r.code === 0),
      () => false,
    );
    if (ready) break;
    if (i >= 300) {
      await stop();
      throw new Error(`containerd did not answer on ${socket} within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { dir, ctr, logs: () => output, stop };
}
