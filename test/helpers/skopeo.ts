import { run, type RunResult } from './exec.js';

const TRANSPORT = /^(docker|oci|oci-archive|dir|docker-archive|containers-storage):/;

export interface Registry {
  host: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface InspectResult {
  Digest: string;
  Architecture: string;
  Os: string;
  Layers: string[];
  Env?: string[];
}

/**
 * skopeo against one registry over plain HTTP with its root credentials (or others, to check
 * that they are refused). `docker://` references are given as `repo:tag` or `repo@digest`; any
 * other transport (`oci:…`) is passed through.
 */
export class Skopeo {
  constructor(
    private readonly registry: Registry,
    private readonly creds = `${registry.accessKeyId}:${registry.secretAccessKey}`,
  ) {}

  /** A `docker://` reference to this registry. */
  ref(nameAndRef: string): string {
    return `docker://${this.registry.host}/${nameAndRef}`;
  }

  withCreds(creds: string): Skopeo {
    return new Skopeo(this.registry, creds);
  }

  copy(src: string, dest: string, args: readonly string[] = [], allowFailure = false): Promise<RunResult> {
    return run(
      'skopeo',
      ['copy', ...args, ...this.side('src', src), ...this.side('dest', dest), this.expand(src), this.expand(dest)],
      { timeoutMs: 300_000, allowFailure },
    );
  }

  async inspect(ref: string, args: readonly string[] = []): Promise<InspectResult> {
    return JSON.parse((await this.remote('inspect', ref, args)).stdout) as InspectResult;
  }

  /** The manifest bytes exactly as the registry serves them. */
  async rawManifest(ref: string): Promise<Buffer> {
    return Buffer.from((await this.remote('inspect', ref, ['--raw'])).stdout, 'utf8');
  }

  async listTags(repo: string): Promise<string[]> {
    return (JSON.parse((await this.remote('list-tags', repo)).stdout) as { Tags: string[] }).Tags;
  }

  delete(ref: string): Promise<RunResult> {
    return this.remote('delete', ref);
  }

  /** Runs `skopeo VERB --creds … --tls-verify=false docker://…`; `allowFailure` resolves with the exit code. */
  remote(verb: string, ref: string, args: readonly string[] = [], allowFailure = false): Promise<RunResult> {
    return run('skopeo', [verb, ...args, '--creds', this.creds, '--tls-verify=false', this.expand(ref)], { timeoutMs: 120_000, allowFailure });
  }

  private expand(ref: string): string {
    return TRANSPORT.test(ref) ? ref : this.ref(ref);
  }

  private side(which: 'src' | 'dest', ref: string): string[] {
    return this.expand(ref).startsWith('docker://') ? [`--${which}-creds`, this.creds, `--${which}-tls-verify=false`] : [];
  }
}
