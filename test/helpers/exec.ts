import { execFile } from 'node:child_process';

export interface RunOptions {
  /** Kill the command after this many milliseconds (default 120 s). */
  timeoutMs?: number;
  cwd?: string;
  /** Added to (not replacing) the test process's environment. */
  env?: Record<string, string>;
  /** Resolve with the exit code instead of throwing when the command fails. */
  allowFailure?: boolean;
  /** Written to the command's standard input (e.g. a password for --password-stdin). */
  input?: string;
}

export interface RunResult {
  stdout: string;
  /** stdout as bytes, for commands that print binary content. */
  stdoutBytes: Buffer;
  stderr: string;
  /** Exit code; -1 when the command was killed or could not start. */
  code: number;
}

/**
 * Runs a command without a shell, capturing its output. A failure (non-zero exit, timeout,
 * missing binary) throws an error whose message holds the command line and both outputs, so a
 * failing test says what the client printed.
 */
export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeout = opts.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      {
        cwd: opts.cwd,
        env: { ...process.env, ...opts.env },
        timeout,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'buffer',
      },
      (err, stdoutBytes, stderrBytes) => {
        const stdout = stdoutBytes.toString('utf8');
        const stderr = stderrBytes.toString('utf8');
        if (!err) return resolve({ stdout, stdoutBytes, stderr, code: 0 });
        const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: string };
        const code = typeof e.code === 'number' ? e.code : -1;
        if (opts.allowFailure && typeof e.code === 'number') return resolve({ stdout, stdoutBytes, stderr, code });
        const why = e.killed ? `killed after ${timeout} ms` : typeof e.code === 'number' ? `exit ${e.code}` : String(e.code ?? e.message);
        reject(new Error(`${formatCommand(command, args)} failed (${why})\n--- stdout ---\n${tail(stdout)}\n--- stderr ---\n${tail(stderr)}`));
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

function formatCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

function tail(text: string, max = 8000): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}
