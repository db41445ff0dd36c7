// Vulnerability scanning end to end: a layered image with real package databases pushed over the
// data plane, advisories imported with `wharf vulndb import` against the server's data dir,
// findings read through @aws-sdk/client-ecr and the AWS CLI, in BASIC and ENHANCED mode, and a
// later import re-matching a CONTINUOUS_SCAN image with no push and no scan.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import {
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  PutRegistryScanningConfigurationCommand,
  StartImageScanCommand,
  BatchGetRepositoryScanningConfigurationCommand,
  type DescribeImageScanFindingsCommandOutput,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCI_MANIFEST, sha256 } from '../helpers/oci-layout.js';
import { basicAuth, pushBlob, pushManifest } from '../helpers/registry-http.js';
import { projectRoot, startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { awsCli, ecrClient, sdkError } from './ecr-support.js';

const exec = promisify(execFile);

const DPKG_STATUS = `Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u1

Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u3

Package: passwd
Status: install ok installed
Architecture: amd64
Source: shadow
Version: 1:4.13+dfsg1-1

Package: vim-tiny
Status: deinstall ok config-files
Architecture: amd64
Source: vim
Version: 2:9.0.1378-2

Package: bash
Status: install ok installed
Architecture: amd64
Version: 5.2.15-2+b2
`;

const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n';

async function tarball(files: Record<string, string | Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name, mode: 0o644 }, typeof content === 'string' ? Buffer.from(content) : content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A zip (jar) with stored entries. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

async function imageLayers(): Promise<Buffer[]> {
  const base = await tarball({
    'etc/os-release': OS_RELEASE,
    'var/lib/dpkg/status': DPKG_STATUS,
    'usr/lib/node_modules/app/node_modules/minimist/package.json': JSON.stringify({ name: 'minimist', version: '1.2.5' }),
  });
  const app = await tarball({
    // The whiteout deletes minimist, which the first layer installed.
    'usr/lib/node_modules/app/node_modules/.wh.minimist': '',
    'usr/lib/node_modules/app/node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '4.17.20' }),
    'usr/lib/python3/dist-packages/PyYAML-5.3.1.dist-info/METADATA': 'Metadata-Version: 2.1\nName: PyYAML\nVersion: 5.3.1\n',
    'opt/app/lib/log4j-core-2.14.1.jar': zip({
      'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\r\n',
      'META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties': 'groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n',
    }),
  });
  return [base, app];
}

async function pushLayeredImage(wharf: WharfProcess, repo: string, tag: string): Promise<string> {
  const layers = await imageLayers();
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: layers.map(sha256) } }));
  for (const blob of [config, ...layers]) await pushBlob(wharf, repo, blob);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(l), size: l.length })),
    }),
  );
  return pushManifest(wharf, repo, tag, manifest, OCI_MANIFEST);
}

async function vulndbImport(wharf: WharfProcess, path: string): Promise<string> {
  const { stdout } = await exec(process.execPath, [join(projectRoot, 'bin', 'wharf'), 'vulndb', 'import', '--data-dir', wharf.dataDir, path], { cwd: projectRoot });
  return stdout;
}

/** Polls until `done` holds for the findings (no timing asserted; vitest's timeout bounds it). */
async function findingsWhen(
  ecr: ECRClient,
  repositoryName: string,
  imageDigest: string,
  done: (out: DescribeImageScanFindingsCommandOutput) => boolean,
): Promise<DescribeImageScanFindingsCommandOutput> {
  for (;;) {
    // Only "no scan yet" is waited out; any other error fails the test with its cause.
    const out = await ecr.send(new DescribeImageScanFindingsCommand({ repositoryName, imageId: { imageDigest } })).catch((err: Error) => {
      if (err.name !== 'ScanNotFoundException') throw err;
      return undefined;
    });
    if (out && done(out)) return out;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const BASIC_EXPECTED = [
  { name: 'WHARF-TEST-2024-0003', severity: 'CRITICAL', package_name: 'libc6', package_version: '2.36-9+deb12u3' },
  { name: 'WHARF-TEST-2024-0001', severity: 'HIGH', package_name: 'libssl3', package_version: '3.0.11-1~deb12u1' },
  { name: 'WHARF-TEST-2024-0004', severity: 'LOW', package_name: 'passwd', package_version: '1:4.13+dfsg1-1' },
];

describe('vulnerability scanning', () => {
  let wharf: WharfProcess;
  let ecr: ECRClient;
  let digest: string;

  beforeAll(async () => {
    wharf = await startWharf();
    ecr = ecrClient(wharf);
    expect(await vulndbImport(wharf, join(projectRoot, 'advisories'))).toContain('"added":12');
    // Importing the same files again changes nothing.
    expect(await vulndbImport(wharf, join(projectRoot, 'advisories'))).toContain('"version":1,"added":0,"updated":0,"unchanged":12');
  }, 120_000);

  afterAll(async () => {
    await wharf?.stop();
  });

  it('BASIC: scan on push reports exactly the installed OS packages an advisory affects', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'scan/basic', imageScanningConfiguration: { scanOnPush: true } }));
    digest = await pushLayeredImage(wharf, 'scan/basic', 'v1');
    const out = await findingsWhen(ecr, 'scan/basic', digest, (o) => o.imageScanStatus?.status === 'COMPLETE');
    const findings = out.imageScanFindings?.findings ?? [];
    expect(
      findings.map((f) => ({
        name: f.name,
        severity: f.severity,
        package_name: f.attributes?.find((a) => a.key === 'package_name')?.value,
        package_version: f.attributes?.find((a) => a.key === 'package_version')?.value,
      })),
    ).toEqual(BASIC_EXPECTED);
    expect(findings[0]?.attributes).toContainEqual({ key: 'CVSS3_SCORE', value: '9.1' });
    expect(out.imageScanFindings?.findingSeverityCounts).toEqual({ CRITICAL: 1, HIGH: 1, LOW: 1 });
    expect(out.imageScanFindings?.enhancedFindings).toBeUndefined();

    const cli = await awsCli(wharf, ['ecr', 'describe-image-scan-findings', '--repository-name', 'scan/basic', '--image-id', `imageTag=v1`]);
    expect(cli.code, cli.stderr).toBe(0);
    const cliFindings = (cli.json.imageScanFindings as { findings: { name: string }[] }).findings;
    expect(cliFindings.map((f) => f.name)).toEqual(BASIC_EXPECTED.map((f) => f.name));

    const described = await ecr.send(new DescribeImagesCommand({ repositoryName: 'scan/basic', imageIds: [{ imageDigest: digest }] }));
    expect(described.imageDetails?.[0]?.imageScanStatus?.status).toBe('COMPLETE');
    expect(described.imageDetails?.[0]?.imageScanFindingsSummary?.findingSeverityCounts).toEqual({ CRITICAL: 1, HIGH: 1, LOW: 1 });
  }, 120_000);

  it('StartImageScan once per 24 hours; unknown scans are ScanNotFoundException', async () => {
    const started = await ecr.send(new StartImageScanCommand({ repositoryName: 'scan/basic', imageId: { imageTag: 'v1' } }));
    expect(started.imageScanStatus?.status).toBe('IN_PROGRESS');
    expect((await sdkError(ecr.send(new StartImageScanCommand({ repositoryName: 'scan/basic', imageId: { imageTag: 'v1' } })))).name).toBe('LimitExceededException');
    await findingsWhen(ecr, 'scan/basic', digest, (o) => o.imageScanStatus?.status === 'COMPLETE');

    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'scan/manual' }));
    const other = await pushLayeredImage(wharf, 'scan/manual', 'v1');
    expect((await sdkError(ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'scan/manual', imageId: { imageDigest: other } })))).name).toBe(
      'ScanNotFoundException',
    );
  }, 120_000);

  it('ENHANCED under CONTINUOUS_SCAN: OS and language packages, re-matched when advisories change', async () => {
    await ecr.send(
      new PutRegistryScanningConfigurationCommand({
        scanType: 'ENHANCED',
        rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: 'scan/enh*', filterType: 'WILDCARD' }] }],
      }),
    );
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'scan/enhanced' }));
    const config = await ecr.send(new BatchGetRepositoryScanningConfigurationCommand({ repositoryNames: ['scan/enhanced', 'scan/basic', 'scan/none'] }));
    expect(config.scanningConfigurations?.map((c) => [c.repositoryName, c.scanFrequency, c.appliedScanFilters?.map((f) => f.filter)])).toEqual([
      ['scan/enhanced', 'CONTINUOUS_SCAN', ['scan/enh*']],
      ['scan/basic', 'MANUAL', []],
    ]);
    expect(config.failures?.map((f) => [f.repositoryName, f.failureCode])).toEqual([['scan/none', 'REPOSITORY_NOT_FOUND']]);
    // Enhanced scanning takes no manual scans, in any repository.
    const manual = await sdkError(ecr.send(new StartImageScanCommand({ repositoryName: 'scan/manual', imageId: { imageTag: 'v1' } })));
    expect([manual.name, manual.message]).toEqual(['ValidationException', 'This feature is disabled']);
    const image = await pushLayeredImage(wharf, 'scan/enhanced', 'v1');
    const out = await findingsWhen(ecr, 'scan/enhanced', image, (o) => o.imageScanStatus?.status === 'ACTIVE');
    const found = (out.imageScanFindings?.enhancedFindings ?? []).map((f) => {
      const p = f.packageVulnerabilityDetails?.vulnerablePackages?.[0];
      return [f.packageVulnerabilityDetails?.vulnerabilityId, p?.name, p?.packageManager, p?.fixedInVersion, f.severity, f.fixAvailable, f.type];
    });
    expect(found).toEqual([
      ['WHARF-TEST-2024-0003', 'libc6', 'OS', '2.36-9+deb12u4', 'CRITICAL', 'YES', 'PACKAGE_VULNERABILITY'],
      ['WHARF-TEST-2024-0301', 'pyyaml', 'PYTHONPKG', '5.4', 'CRITICAL', 'YES', 'PACKAGE_VULNERABILITY'],
      ['WHARF-TEST-2024-0401', 'org.apache.logging.log4j:log4j-core', 'JAR', '2.15.0', 'CRITICAL', 'YES', 'PACKAGE_VULNERABILITY'],
      ['WHARF-TEST-2024-0001', 'libssl3', 'OS', '3.0.13-1~deb12u1', 'HIGH', 'YES', 'PACKAGE_VULNERABILITY'],
      ['WHARF-TEST-2024-0201', 'lodash', 'NPM', '4.17.21', 'HIGH', 'YES', 'PACKAGE_VULNERABILITY'],
      ['WHARF-TEST-2024-0004', 'passwd', 'OS', '1:4.13+dfsg1-1+deb12u1', 'LOW', 'YES', 'PACKAGE_VULNERABILITY'],
    ]);
    const passwd = out.imageScanFindings?.enhancedFindings?.at(-1)?.packageVulnerabilityDetails?.vulnerablePackages?.[0];
    expect([passwd?.epoch, passwd?.version, passwd?.release]).toEqual([1, '4.13+dfsg1', '1']);

    // A new advisory: the stored SBOM is re-matched, with no push and no manual scan.
    expect(await vulndbImport(wharf, join(projectRoot, 'test', 'fixtures', 'advisories-later'))).toContain('"version":2');
    const after = await findingsWhen(ecr, 'scan/enhanced', image, (o) =>
      (o.imageScanFindings?.enhancedFindings ?? []).some((f) => f.packageVulnerabilityDetails?.vulnerabilityId === 'WHARF-TEST-2024-0007'),
    );
    expect(after.imageScanFindings?.findingSeverityCounts).toEqual({ CRITICAL: 3, HIGH: 3, LOW: 1 });
    const bash = after.imageScanFindings?.enhancedFindings?.find((f) => f.packageVulnerabilityDetails?.vulnerabilityId === 'WHARF-TEST-2024-0007');
    expect(bash?.packageVulnerabilityDetails?.vulnerablePackages?.[0]).toMatchObject({ name: 'bash', version: '5.2.15', release: '2+b2', fixedInVersion: '5.2.15-3' });
  }, 120_000);

  it('exports the SBOM as CycloneDX and SPDX over HTTP and from the CLI', async () => {
    const res = await fetch(`${wharf.url}/wharf/v1/sbom/scan/basic@${digest}`, { headers: { authorization: basicAuth(wharf) } });
    expect(res.status).toBe(200);
    const bom = (await res.json()) as { bomFormat: string; components: { name: string; version: string }[] };
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.components.map((c) => c.name)).toEqual(expect.arrayContaining(['libssl3', 'lodash', 'pyyaml', 'bash', 'org.apache.logging.log4j:log4j-core']));
    expect(bom.components.map((c) => c.name)).not.toContain('minimist');
    expect(bom.components.map((c) => c.name)).not.toContain('vim-tiny');
    const spdx = await fetch(`${wharf.url}/wharf/v1/sbom/scan/basic:v1?format=spdx`, { headers: { authorization: basicAuth(wharf) } });
    expect(((await spdx.json()) as { spdxVersion: string }).spdxVersion).toBe('SPDX-2.3');
    expect((await fetch(`${wharf.url}/wharf/v1/sbom/scan/basic:v1`)).status).toBe(401);
    const { stdout } = await exec(process.execPath, [join(projectRoot, 'bin', 'wharf'), 'sbom', 'scan/basic:v1', '--format', 'spdx', '--data-dir', wharf.dataDir], { cwd: projectRoot });
    expect((JSON.parse(stdout) as { spdxVersion: string }).spdxVersion).toBe('SPDX-2.3');
  }, 60_000);
});
