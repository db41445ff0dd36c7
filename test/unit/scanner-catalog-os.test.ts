import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { apkCataloger } from '../../src/scanner/catalogers/apk.js';
import type { CatalogContext } from '../../src/scanner/catalogers/cataloger.js';
import { dpkgCataloger } from '../../src/scanner/catalogers/dpkg.js';
import { DEFAULT_CATALOGERS } from '../../src/scanner/catalogers/index.js';
import { detectDistro, distroFrom, parseOsRelease } from '../../src/scanner/catalogers/os-release.js';
import { rpmCataloger } from '../../src/scanner/catalogers/rpm.js';
import { parseRpmHeader, TAG } from '../../src/scanner/catalogers/rpm-header.js';
import { catalogImage } from '../../src/scanner/layers.js';
import { schemeNameFor } from '../../src/scanner/matchers/ecosystems.js';
import type { Distro } from '../../src/scanner/sbom.js';
import { missingTools } from '../helpers/tools.js';
import { layer, rpmHeaderBlob } from './scanner-catalog-support.js';

const DEBIAN_12 = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`;
const UBUNTU_2204 = `PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.4 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
`;
const ALPINE_319 = `NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.19.1
PRETTY_NAME="Alpine Linux v3.19"
HOME_URL="https://alpinelinux.org/"
`;
const ROCKY_9 = `NAME="Rocky Linux"
VERSION="9.3 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
`;

function context(distro?: Distro): CatalogContext & { notes: string[] } {
  const notes: string[] = [];
  return { ...(distro ? { distro } : {}), notes, note: (m) => notes.push(m) };
}

const distroOf = (text: string): Distro => distroFrom(parseOsRelease(text))!;

describe('os-release', () => {
  it('maps distributions onto OSV ecosystems', () => {
    expect(distroOf(DEBIAN_12)).toEqual({
      id: 'debian',
      versionId: '12',
      versionCodename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      ecosystem: 'Debian:12',
    });
    expect(distroOf(UBUNTU_2204).ecosystem).toBe('Ubuntu:22.04');
    expect(distroOf(ALPINE_319).ecosystem).toBe('Alpine:v3.19');
    expect(distroOf(ROCKY_9).ecosystem).toBe('Rocky Linux:9');
    expect(distroOf('ID=wolfi\nVERSION_ID=20230201\n').ecosystem).toBe('Wolfi');
    expect(distroOf('ID=plan9\nVERSION_ID=4\n')).toEqual({ id: 'plan9', versionId: '4' });
  });

  it('yields ecosystems the matchers know, with the version scheme of the distro\'s package manager', () => {
    const samples: [string, string][] = [
      [DEBIAN_12, 'dpkg'],
      [UBUNTU_2204, 'dpkg'],
      [ALPINE_319, 'apk'],
      ['ID=wolfi\n', 'apk'],
      ['ID=chainguard\n', 'apk'],
      [ROCKY_9, 'rpm'],
      ['ID=almalinux\nVERSION_ID=9.3\n', 'rpm'],
      ['ID=rhel\nVERSION_ID=9.3\n', 'rpm'],
      ['ID=photon\nVERSION_ID=5.0\n', 'rpm'],
      ['ID=azurelinux\nVERSION_ID=3.0\n', 'rpm'],
      ['ID=opensuse-leap\nVERSION_ID=15.5\n', 'rpm'],
    ];
    for (const [text, scheme] of samples) expect(schemeNameFor(distroOf(text).ecosystem!)).toBe(scheme);
  });

  it('unquotes values and ignores comments', () => {
    const f = parseOsRelease(`# comment\nNAME='Single Quoted'\nPRETTY_NAME="A \\"quoted\\" \\$name"\nID=x\n`);
    expect(f.get('NAME')).toBe('Single Quoted');
    expect(f.get('PRETTY_NAME')).toBe('A "quoted" $name');
  });

  it('prefers /etc/os-release over /usr/lib/os-release', () => {
    const files = new Map([
      ['/usr/lib/os-release', Buffer.from(UBUNTU_2204)],
      ['/etc/os-release', Buffer.from(DEBIAN_12)],
    ]);
    expect(detectDistro(files)?.id).toBe('debian');
    files.delete('/etc/os-release');
    expect(detectDistro(files)?.id).toBe('ubuntu');
  });
});

/** A dpkg status database as a Debian 12 image has it: binary/source pairs, epochs, tildes, a removed package. */
const STATUS_V1 = `Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12986
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Depends: libgcc-s1
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.

Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl (3.0.11-1~deb12u2)
Version: 3.0.11-1~deb12u2
Description: Secure Sockets Layer toolkit - shared libraries

Package: login
Status: install ok installed
Architecture: amd64
Source: shadow
Version: 1:4.13+dfsg1-1+b1
Description: system login tools

Package: libpcre3
Status: install ok installed
Architecture: amd64
Source: pcre3 (2:8.39-15)
Version: 2:8.39-15
Description: Old Perl 5 Compatible Regular Expression Library - runtime files

Package: tzdata
Status: hold ok installed
Architecture: all
Version: 2024a-0+deb12u1
Description: time zone and daylight-saving time data

Package: vim-tiny
Status: deinstall ok config-files
Architecture: amd64
Source: vim
Version: 2:9.0.1378-2
Description: Vi IMproved - enhanced vi editor - compact version

Package: nano
Status: purge ok not-installed
Architecture: amd64

`;

/** The same database after `apt-get remove libpcre3` and an upgrade of libssl3 in a later layer. */
const STATUS_V2 = STATUS_V1.replace(
  /Package: libpcre3\nStatus: install ok installed/,
  'Package: libpcre3\nStatus: deinstall ok config-files',
).replace(/3\.0\.11-1~deb12u2/g, '3.0.13-1~deb12u1');

describe('dpkg', () => {
  const debian = distroOf(DEBIAN_12);

  it('reports installed packages with their source package, epochs and tildes intact', async () => {
    const ctx = context(debian);
    const pkgs = await dpkgCataloger.catalog(new Map([['/var/lib/dpkg/status', Buffer.from(STATUS_V1)]]), ctx);
    expect(pkgs).toEqual([
      {
        name: 'libc6',
        version: '2.36-9+deb12u4',
        type: 'os',
        ecosystem: 'Debian:12',
        purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12',
        sourceName: 'glibc',
        sourceVersion: '2.36-9+deb12u4',
        locations: ['/var/lib/dpkg/status'],
        packageManager: 'OS',
      },
      expect.objectContaining({ name: 'libssl3', version: '3.0.11-1~deb12u2', sourceName: 'openssl', sourceVersion: '3.0.11-1~deb12u2' }),
      expect.objectContaining({
        name: 'login',
        version: '1:4.13+dfsg1-1+b1',
        sourceName: 'shadow',
        sourceVersion: '1:4.13+dfsg1-1+b1',
        purl: 'pkg:deb/debian/login@1:4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12',
      }),
      expect.objectContaining({ name: 'libpcre3', version: '2:8.39-15', sourceName: 'pcre3', sourceVersion: '2:8.39-15' }),
      // held, still installed; no Source: it is its own source
      expect.objectContaining({ name: 'tzdata', version: '2024a-0+deb12u1', sourceName: 'tzdata', sourceVersion: '2024a-0+deb12u1' }),
    ]);
    expect(ctx.notes).toEqual([]);
  });

  it('reads distroless status.d stanzas (no Status field) and skips their md5sums', async () => {
    const ctx = context(debian);
    const pkgs = await dpkgCataloger.catalog(
      new Map([
        ['/var/lib/dpkg/status.d/base', Buffer.from('Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\nMaintainer: x\n')],
        ['/var/lib/dpkg/status.d/libssl3', Buffer.from('Package: libssl3\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\nSource: openssl\n')],
      ]),
      ctx,
    );
    expect(pkgs.map((p) => [p.name, p.version, p.sourceName, p.locations[0]])).toEqual([
      ['base-files', '12.4+deb12u5', 'base-files', '/var/lib/dpkg/status.d/base'],
      ['libssl3', '3.0.11-1~deb12u2', 'openssl', '/var/lib/dpkg/status.d/libssl3'],
    ]);
    expect(dpkgCataloger.wants('/var/lib/dpkg/status.d/libssl3.md5sums')).toBe(false);
    expect(dpkgCataloger.wants('/var/lib/dpkg/status-old')).toBe(false);
  });

  it('falls back to the Debian family with a note when there is no os-release', async () => {
    const ctx = context();
    const pkgs = await dpkgCataloger.catalog(new Map([['/var/lib/dpkg/status', Buffer.from(STATUS_V1)]]), ctx);
    expect(pkgs[0]!.ecosystem).toBe('Debian');
    expect(pkgs[0]!.purl).toBe('pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64');
    expect(ctx.notes).toEqual(['dpkg: no os-release found; packages recorded under Debian without a release']);
  });
});

describe('a Debian image across layers', () => {
  it('catalogs the final state: a replaced status file, a whited-out package, an opaque directory', async () => {
    const layers = [
      await layer([
        { path: 'etc/os-release', symlink: '../usr/lib/os-release' },
        { path: 'usr/lib/os-release', content: DEBIAN_12 },
        { path: 'var/lib/dpkg/status', content: STATUS_V1 },
        { path: 'usr/lib/python3/dist-packages/six-1.16.0.egg-info', content: 'Metadata-Version: 1.2\nName: six\nVersion: 1.16.0\n' },
        { path: 'usr/lib/python3/dist-packages/chardet-5.1.0.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: chardet\nVersion: 5.1.0\n\nbody\n' },
        { path: 'usr/lib/node_modules/npm/node_modules/semver/package.json', content: '{"name":"semver","version":"7.5.4"}' },
        { path: 'usr/lib/node_modules/npm/node_modules/ip/package.json', content: '{"name":"ip","version":"2.0.0"}' },
      ]),
      // `pip uninstall chardet` and an npm upgrade that rewrote npm's node_modules from scratch
      await layer(
        [
          { path: 'usr/lib/python3/dist-packages/.wh.chardet-5.1.0.dist-info', content: '' },
          { path: 'usr/lib/node_modules/npm/node_modules/.wh..wh..opq', content: '' },
          { path: 'usr/lib/node_modules/npm/node_modules/semver/package.json', content: '{"name":"semver","version":"7.6.0"}' },
        ],
        'none',
      ),
      // apt-get remove libpcre3 && apt-get upgrade libssl3
      await layer([{ path: 'var/lib/dpkg/status', content: STATUS_V2 }]),
    ];
    const sbom = await catalogImage(layers, DEFAULT_CATALOGERS, { imageDigest: 'sha256:debian' });
    expect(sbom.distro?.ecosystem).toBe('Debian:12');
    expect(sbom.notes).toEqual([]);
    expect(sbom.packages.map((p) => `${p.ecosystem} ${p.name} ${p.version} ${p.sourceName ?? '-'} ${p.locations.join(',')}`)).toEqual([
      'Debian:12 libc6 2.36-9+deb12u4 glibc /var/lib/dpkg/status',
      'Debian:12 libssl3 3.0.13-1~deb12u1 openssl /var/lib/dpkg/status',
      'Debian:12 login 1:4.13+dfsg1-1+b1 shadow /var/lib/dpkg/status',
      'Debian:12 tzdata 2024a-0+deb12u1 tzdata /var/lib/dpkg/status',
      'PyPI six 1.16.0 - /usr/lib/python3/dist-packages/six-1.16.0.egg-info',
      'npm semver 7.6.0 - /usr/lib/node_modules/npm/node_modules/semver/package.json',
    ]);
  });
});

const APK_INSTALLED = `C:Q1Tz9pbVuS1Ejdx4lwd2k6jKGqSmY=
P:musl
V:1.2.4_git20230717-r4
A:x86_64
S:407277
I:663552
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Natanael Copa <ncopa@alpinelinux.org>
t:1705924916
c:b3f1d0a5b3b5f5a1c5b5e5e6d4d1c0f9e8a7b6c5
F:lib
R:ld-musl-x86_64.so.1

C:Q1abcdefabcdefabcdefabcdefabcdef=
P:libcrypto3
V:3.1.4-r5
A:x86_64
o:openssl
F:usr/lib
R:libcrypto.so.3

P:busybox-binsh
V:1.36.1-r15
A:x86_64
o:busybox
`;

describe('apk', () => {
  it('reads the installed database with origins, under the distro ecosystem', async () => {
    const sbom = await catalogImage(
      [await layer([{ path: 'etc/os-release', content: ALPINE_319 }, { path: 'lib/apk/db/installed', content: APK_INSTALLED }])],
      [apkCataloger],
      { imageDigest: 'sha256:alpine' },
    );
    expect(sbom.packages).toEqual([
      {
        name: 'busybox-binsh',
        version: '1.36.1-r15',
        type: 'os',
        ecosystem: 'Alpine:v3.19',
        purl: 'pkg:apk/alpine/busybox-binsh@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1',
        sourceName: 'busybox',
        sourceVersion: '1.36.1-r15',
        locations: ['/lib/apk/db/installed'],
        packageManager: 'OS',
      },
      expect.objectContaining({ name: 'libcrypto3', version: '3.1.4-r5', sourceName: 'openssl' }),
      expect.objectContaining({ name: 'musl', version: '1.2.4_git20230717-r4', sourceName: 'musl' }),
    ]);
    expect(sbom.notes).toEqual([]);
  });
});

const tmpDirs: string[] = [];
afterAll(() => tmpDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'wharf-rpm-test-'));
  tmpDirs.push(d);
  return d;
}

function rpmdbWith(blobs: readonly Buffer[]): Buffer {
  const file = join(tmp(), 'rpmdb.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL'); // as rpm does: the file's header then says WAL
  db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
  for (const b of blobs) insert.run(b);
  db.close();
  return readFileSync(file);
}

function header(name: string, version: string, release: string, arch: string, sourceRpm?: string, epoch?: number): Buffer {
  return rpmHeaderBlob([
    { tag: TAG.NAME, type: 'string', value: name },
    { tag: TAG.VERSION, type: 'string', value: version },
    { tag: TAG.RELEASE, type: 'string', value: release },
    ...(epoch !== undefined ? [{ tag: TAG.EPOCH, type: 'int32' as const, value: epoch }] : []),
    { tag: TAG.ARCH, type: 'string', value: arch },
    ...(sourceRpm ? [{ tag: TAG.SOURCERPM, type: 'string' as const, value: sourceRpm }] : []),
  ]);
}

describe('rpm', () => {
  it('decodes header blobs', () => {
    expect(parseRpmHeader(header('openssl-libs', '3.0.7', '25.el9_3', 'x86_64', 'openssl-3.0.7-25.el9_3.src.rpm', 1))).toEqual({
      name: 'openssl-libs',
      version: '3.0.7',
      release: '25.el9_3',
      epoch: 1,
      arch: 'x86_64',
      sourceRpm: 'openssl-3.0.7-25.el9_3.src.rpm',
    });
    expect(parseRpmHeader(Buffer.from([0, 0, 0, 9, 0, 0, 0, 1]))).toBeUndefined();
  });

  it('reads rpmdb.sqlite, with epochs, source RPMs and gpg-pubkey left out', async () => {
    const db = rpmdbWith([
      header('openssl-libs', '3.0.7', '25.el9_3', 'x86_64', 'openssl-3.0.7-25.el9_3.src.rpm', 1),
      header('bash', '5.1.8', '6.el9_1', 'x86_64', 'bash-5.1.8-6.el9_1.src.rpm'),
      header('gpg-pubkey', '350d275d', '6279464b', '(none)'),
    ]);
    const sbom = await catalogImage(
      [await layer([{ path: 'etc/os-release', content: ROCKY_9 }, { path: 'var/lib/rpm/rpmdb.sqlite', content: db }])],
      [rpmCataloger],
      { imageDigest: 'sha256:rocky' },
    );
    expect(sbom.notes).toEqual([]);
    expect(sbom.packages).toEqual([
      {
        name: 'bash',
        version: '5.1.8-6.el9_1',
        type: 'os',
        ecosystem: 'Rocky Linux:9',
        purl: 'pkg:rpm/rocky/bash@5.1.8-6.el9_1?arch=x86_64&distro=rocky-9.3',
        sourceName: 'bash',
        sourceVersion: '5.1.8-6.el9_1',
        locations: ['/var/lib/rpm/rpmdb.sqlite'],
        packageManager: 'OS',
      },
      {
        name: 'openssl-libs',
        version: '1:3.0.7-25.el9_3',
        type: 'os',
        ecosystem: 'Rocky Linux:9',
        purl: 'pkg:rpm/rocky/openssl-libs@3.0.7-25.el9_3?arch=x86_64&distro=rocky-9.3&epoch=1',
        sourceName: 'openssl',
        sourceVersion: '1:3.0.7-25.el9_3',
        locations: ['/var/lib/rpm/rpmdb.sqlite'],
        packageManager: 'OS',
      },
    ]);
  });

  it('says so when the rpmdb is Berkeley DB or NDB', async () => {
    const sbom = await catalogImage(
      [await layer([{ path: 'var/lib/rpm/Packages', content: Buffer.alloc(4096) }, { path: 'usr/lib/sysimage/rpm/Packages.db', content: Buffer.alloc(64) }])],
      [rpmCataloger],
      { imageDigest: 'sha256:centos7' },
    );
    expect(sbom.packages).toEqual([]);
    expect(sbom.notes).toEqual([
      'rpm: unsupported rpmdb format (NDB) at /usr/lib/sysimage/rpm/Packages.db',
      'rpm: unsupported rpmdb format (Berkeley DB) at /var/lib/rpm/Packages',
    ]);
  });

  // Cross-check against rpm itself where it is installed (it is not part of .ci/run, so this never fails for its absence).
  const missing = missingTools(['rpm', 'rpmbuild']);
  if (missing.length > 0) console.warn(`\n!!! SKIPPING the rpm cross-check: missing ${missing.join(', ')} on PATH\n`);
  it.skipIf(missing.length > 0)('reads a database written by rpm itself', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'top/SPECS'), { recursive: true });
    mkdirSync(join(dir, 'db'));
    writeFileSync(
      join(dir, 'top/SPECS/hello.spec'),
      'Name: wharf-hello\nVersion: 1.2.3\nRelease: 4.el9\nEpoch: 2\nSummary: t\nLicense: MIT\nBuildArch: noarch\n%description\nt\n%files\n',
    );
    execFileSync('rpmbuild', ['--define', `_topdir ${dir}/top`, '-bb', `${dir}/top/SPECS/hello.spec`], { stdio: 'ignore' });
    const rpmFile = join(dir, 'top/RPMS/noarch', readdirSync(join(dir, 'top/RPMS/noarch'))[0]!);
    execFileSync('rpm', ['--dbpath', `${dir}/db`, '--initdb']);
    execFileSync('rpm', ['--dbpath', `${dir}/db`, '-i', '--justdb', '--nodeps', '--nosignature', rpmFile], { stdio: 'ignore' });
    const items = readdirSync(join(dir, 'db'))
      .filter((f) => f.startsWith('rpmdb.sqlite'))
      .map((f) => ({ path: `var/lib/rpm/${f}`, content: readFileSync(join(dir, 'db', f)) }));
    const sbom = await catalogImage([await layer(items)], [rpmCataloger], { imageDigest: 'sha256:rpm' });
    expect(sbom.packages.map((p) => [p.name, p.version, p.sourceName, p.sourceVersion, p.purl])).toEqual([
      ['wharf-hello', '2:1.2.3-4.el9', 'wharf-hello', '2:1.2.3-4.el9', 'pkg:rpm/redhat/wharf-hello@1.2.3-4.el9?arch=noarch&epoch=2'],
    ]);
    expect(sbom.notes).toEqual(['rpm: no os-release found; packages recorded under Red Hat without a release']);
  });
});
