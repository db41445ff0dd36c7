import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { goBinaryCataloger } from '../../src/scanner/catalogers/go-binary.js';
import { readGoBuildInfo } from '../../src/scanner/catalogers/go-buildinfo.js';
import { rustCataloger } from '../../src/scanner/catalogers/rust.js';
import { parseElf, sectionData } from '../../src/scanner/elf.js';
import { catalogImage } from '../../src/scanner/layers.js';
import type { Sbom } from '../../src/scanner/sbom.js';
import { describeWithTools, missingTools } from '../helpers/tools.js';
import { elf64, goBinaryInline, goBinaryPointers, layer, modinfo, rustBinary, type TarItem } from './scanner-catalog-support.js';

const MODINFO = modinfo([
  'path\tgithub.com/example/server/cmd/server',
  'mod\tgithub.com/example/server\tv1.4.2\th1:3Q2Q1Q0=',
  'dep\tgithub.com/gorilla/mux\tv1.8.0\th1:i40aqfkR1h2SlN9hojwV5ZA91wcXFOvkdNIeFDP5koI=',
  'dep\tgolang.org/x/net\tv0.17.0\th1:pVaXccu2ozPjCXewfr1S7xoGsF8rXyCQEU+Nv8Qj2xk=',
  '=>\tgolang.org/x/net\tv0.19.0\th1:zTwKpTd2XuCqf8huc7/7d4sP3XBapjRmFJ+6dctAWUA=',
  'dep\tgithub.com/example/internal\tv0.0.0-00010101000000-000000000000\t',
  '=>\t../internal\t\t',
  'build\t-compiler=gc',
  'build\tGOOS=linux',
]);

const rows = (sbom: Sbom): string[] => sbom.packages.map((p) => `${p.ecosystem} ${p.name} ${p.version} ${p.purl} ${p.locations.join(',')}`);

async function catalog(items: readonly TarItem[], which = [goBinaryCataloger, rustCataloger]): Promise<Sbom> {
  return catalogImage([await layer(items)], which, { imageDigest: 'sha256:bin' });
}

describe('Go build info', () => {
  it('reads the inline (Go >= 1.18) and pointer (older) layouts alike', () => {
    for (const bin of [goBinaryInline('go1.21.5', MODINFO), goBinaryPointers('go1.16.15', MODINFO)]) {
      const info = readGoBuildInfo(bin);
      expect(info?.modinfo.split('\n').slice(0, 2)).toEqual(['path\tgithub.com/example/server/cmd/server', 'mod\tgithub.com/example/server\tv1.4.2\th1:3Q2Q1Q0=']);
    }
    expect(readGoBuildInfo(goBinaryInline('go1.21.5', MODINFO))?.goVersion).toBe('go1.21.5');
    expect(readGoBuildInfo(goBinaryPointers('go1.16.15', MODINFO))?.goVersion).toBe('go1.16.15');
  });

  it('reports the main module, dependencies with replacements applied, and the standard library', async () => {
    const sbom = await catalog([
      { path: 'usr/local/bin/server', content: goBinaryInline('go1.21.5 X:boringcrypto', MODINFO), mode: 0o755 },
      { path: 'ko-app/legacy', content: goBinaryPointers('go1.16.15', modinfo(['path\texample.com/legacy', 'mod\texample.com/legacy\t(devel)\t', 'dep\tgithub.com/pkg/errors\tv0.9.1\th1:x='])), mode: 0o755 },
    ]);
    expect(rows(sbom)).toEqual([
      'Go github.com/example/server v1.4.2 pkg:golang/github.com/example/server@v1.4.2 /usr/local/bin/server',
      'Go github.com/gorilla/mux v1.8.0 pkg:golang/github.com/gorilla/mux@v1.8.0 /usr/local/bin/server',
      'Go github.com/pkg/errors v0.9.1 pkg:golang/github.com/pkg/errors@v0.9.1 /ko-app/legacy',
      'Go golang.org/x/net v0.19.0 pkg:golang/golang.org/x/net@v0.19.0 /usr/local/bin/server',
      'Go stdlib 1.16.15 pkg:golang/stdlib@1.16.15 /ko-app/legacy',
      'Go stdlib 1.21.5 pkg:golang/stdlib@1.21.5 /usr/local/bin/server',
    ]);
    expect(sbom.packages.every((p) => p.packageManager === 'GOBINARY' && p.type === 'language')).toBe(true);
    expect(sbom.notes).toEqual([]);
  });

  it('looks at executables by name and keeps only ELF files', () => {
    expect(['/usr/local/bin/server', '/app/server', '/ko-app/x', '/opt/tool/bin/tool.exe', '/node_modules/@esbuild/linux-x64/bin/esbuild'].map(goBinaryCataloger.wants)).toEqual([true, true, true, true, true]);
    expect(['/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/share/doc/bash/copyright', '/etc/passwd.conf', '/app/.hidden', '/app/readme.md'].map(goBinaryCataloger.wants)).toEqual([false, false, false, false, false]);
    expect(goBinaryCataloger.accepts!(Buffer.from('#!/bin/sh\necho hello, this is a shell script, not ELF\n'))).toBe(false);
    expect(goBinaryCataloger.accepts!(elf64([], 'rel').subarray(0, 64))).toBe(false); // object files are not executables
    expect(goBinaryCataloger.accepts!(elf64([], 'exec').subarray(0, 64))).toBe(true);
  });

  it('finds nothing in ELF files without build info, and in scripts', async () => {
    const sbom = await catalog([
      { path: 'usr/bin/cbinary', content: elf64([{ name: '.text', data: Buffer.alloc(64) }]) },
      { path: 'usr/bin/script', content: '#!/bin/sh\nexit 0\n' },
    ]);
    expect(sbom.packages).toEqual([]);
    expect(sbom.notes).toEqual([]);
  });
});

describeWithTools('Go build info from a binary built by the Go toolchain', ['go'], () => {
  it('reports a vendored dependency and the standard library of a freshly built, stripped binary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-go-test-'));
    try {
      // Offline: the dependency is vendored, so the build needs no module proxy.
      mkdirSync(join(dir, 'vendor/example.com/greeting'), { recursive: true });
      writeFileSync(join(dir, 'go.mod'), 'module example.com/hello\n\ngo 1.18\n\nrequire example.com/greeting v1.2.3\n');
      writeFileSync(join(dir, 'main.go'), 'package main\n\nimport (\n\t"fmt"\n\t"example.com/greeting"\n)\n\nfunc main() { fmt.Println(greeting.Hello()) }\n');
      writeFileSync(join(dir, 'vendor/example.com/greeting/greeting.go'), 'package greeting\n\nfunc Hello() string { return "hello" }\n');
      writeFileSync(join(dir, 'vendor/modules.txt'), '# example.com/greeting v1.2.3\n## explicit\nexample.com/greeting\n');
      const env = { ...process.env, GOFLAGS: '-mod=vendor -buildvcs=false', GOPROXY: 'off', CGO_ENABLED: '0', GOCACHE: join(dir, 'cache'), GOPATH: join(dir, 'gopath') };
      execFileSync('go', ['build', '-ldflags=-s -w', '-o', 'hello', '.'], { cwd: dir, env, stdio: 'ignore' });
      const std = execFileSync('go', ['env', 'GOVERSION'], { env, encoding: 'utf8' }).trim().split(' ')[0]!.replace(/^go/, '');
      const sbom = await catalog([{ path: 'usr/local/bin/hello', content: readFileSync(join(dir, 'hello')), mode: 0o755 }]);
      // built outside version control, the main module is `(devel)` and left out
      expect(rows(sbom)).toEqual([
        'Go example.com/greeting v1.2.3 pkg:golang/example.com/greeting@v1.2.3 /usr/local/bin/hello',
        `Go stdlib ${std} pkg:golang/stdlib@${std} /usr/local/bin/hello`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Rust cargo auditable', () => {
  const packages = [
    { name: 'myapp', version: '0.3.0', source: 'local', root: true, dependencies: [1, 2, 3] },
    { name: 'serde', version: '1.0.195', source: 'crates.io' },
    { name: 'tokio', version: '1.35.1', source: 'crates.io', kind: 'runtime' },
    { name: 'cc', version: '1.0.83', source: 'crates.io', kind: 'build' },
    { name: 'forked', version: '0.1.0', source: 'git' },
  ];

  it('reports crates.io crates compiled into the binary', async () => {
    const sbom = await catalog([{ path: 'usr/local/bin/myapp', content: rustBinary(packages), mode: 0o755 }]);
    expect(rows(sbom)).toEqual([
      'crates.io serde 1.0.195 pkg:cargo/serde@1.0.195 /usr/local/bin/myapp',
      'crates.io tokio 1.35.1 pkg:cargo/tokio@1.35.1 /usr/local/bin/myapp',
    ]);
    expect(sbom.packages.every((p) => p.packageManager === 'CARGO')).toBe(true);
  });

  it('notes a .dep-v0 section that does not inflate to the expected JSON', async () => {
    const bad = elf64([{ name: '.dep-v0', data: Buffer.from('not zlib') }], 'dyn');
    const sbom = await catalog([{ path: 'app/bad', content: bad }], [rustCataloger]);
    expect(sbom.packages).toEqual([]);
    expect(sbom.notes).toEqual(['rust: /app/bad: unreadable .dep-v0 section']);
  });

  const missing = missingTools(['objcopy']);
  if (missing.length > 0) console.warn('\n!!! SKIPPING the real-ELF section check: objcopy is not on PATH\n');
  it.skipIf(missing.length > 0)('reads the section out of a real toolchain-built ELF (objcopy --add-section on /bin/true)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-elf-test-'));
    try {
      writeFileSync(join(dir, 'dep.z'), deflateSync(JSON.stringify({ packages })));
      execFileSync('objcopy', ['--add-section', `.dep-v0=${join(dir, 'dep.z')}`, '/bin/true', join(dir, 'true-auditable')]);
      const bin = readFileSync(join(dir, 'true-auditable'));
      const elf = parseElf(bin);
      expect(elf?.bits).toBe(64);
      expect(sectionData(bin, elf!, '.dep-v0')?.equals(readFileSync(join(dir, 'dep.z')))).toBe(true);
      const sbom = await catalog([{ path: 'usr/bin/true', content: bin, mode: 0o755 }], [rustCataloger, goBinaryCataloger]);
      expect(sbom.packages.map((p) => p.name)).toEqual(['serde', 'tokio']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
