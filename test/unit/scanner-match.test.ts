import { describe, expect, it } from 'vitest';
import type { OsvAdvisory, OsvAffected } from '../../src/scanner/advisories/osv.js';
import { advisoryIndex, matchSbom, sbomPackageKeys, severityCounts, type Finding, type ScanMode } from '../../src/scanner/match.js';
import type { Package, Sbom } from '../../src/scanner/sbom.js';

const CRITICAL_V3 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'; // 9.8
const MEDIUM_V3 = 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N'; // 4.8

/** libssl3 3.0.11-1~deb12u1, built from openssl at the same version. */
const libssl: Package = {
  name: 'libssl3',
  version: '3.0.11-1~deb12u1',
  type: 'os',
  ecosystem: 'Debian:12',
  purl: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64',
  sourceName: 'openssl',
  sourceVersion: '3.0.11-1~deb12u1',
  locations: ['/var/lib/dpkg/status'],
  packageManager: 'OS',
};
/** A binary whose version differs from its source's (binNMU): advisories compare the source's. */
const libcurl: Package = { ...libssl, name: 'libcurl4', version: '7.88.1-10+b1', purl: 'pkg:deb/debian/libcurl4@7.88.1-10+b1', sourceName: 'curl', sourceVersion: '7.88.1-10' };
const lodash: Package = {
  name: 'lodash',
  version: '4.17.20',
  type: 'language',
  ecosystem: 'npm',
  purl: 'pkg:npm/lodash@4.17.20',
  locations: ['/app/node_modules/lodash/package.json'],
  packageManager: 'NPM',
};
const pyyaml: Package = { name: 'PyYAML', version: '5.3', type: 'language', ecosystem: 'PyPI', purl: 'pkg:pypi/pyyaml@5.3', locations: ['/usr/lib/python3/dist-packages/PyYAML-5.3.dist-info/METADATA'], packageManager: 'PYTHONPKG' };

const sbom = (...packages: Package[]): Sbom => ({ imageDigest: 'sha256:0', packages, notes: [] });

const range = (ecosystem: string, name: string, events: Record<string, string>[], extra: Partial<OsvAffected> = {}): OsvAffected => ({
  package: { ecosystem, name },
  ranges: [{ type: 'ECOSYSTEM', events }],
  ...extra,
});

const DSA: OsvAdvisory = {
  id: 'DSA-5532-1',
  aliases: ['CVE-2023-5363'],
  summary: 'openssl: incorrect cipher key and IV length processing',
  details: 'A bug in key and IV length processing.',
  modified: '2024-01-02T00:00:00Z',
  published: '2023-10-24T00:00:00Z',
  severity: [{ type: 'CVSS_V3', score: CRITICAL_V3 }],
  affected: [range('Debian:12', 'openssl', [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }])],
  references: [
    { type: 'WEB', url: 'https://www.openssl.org/news/secadv/20231024.txt' },
    { type: 'ADVISORY', url: 'https://www.debian.org/security/2023/dsa-5532' },
  ],
};
const GHSA: OsvAdvisory = {
  id: 'GHSA-35jh-r3h4-6jhm',
  aliases: ['CVE-2021-23337'],
  modified: '2024-02-01T00:00:00Z',
  severity: [{ type: 'CVSS_V3', score: MEDIUM_V3 }],
  affected: [range('npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.21' }])],
  references: [{ type: 'WEB', url: 'https://github.com/lodash/lodash/pull/5065' }],
};
const PYSEC: OsvAdvisory = { id: 'PYSEC-2021-142', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'PyPI', name: 'pyyaml' }, versions: ['5.3', '5.3.1'] }] };
const CURL: OsvAdvisory = { id: 'DLA-3000-1', modified: '2024-01-01T00:00:00Z', affected: [range('Debian:12', 'curl', [{ introduced: '0' }, { fixed: '7.88.1-10+deb12u1' }])] };

const ids = (findings: readonly Finding[]) => findings.map((f) => `${f.vulnerabilityId} ${f.package.name}`);
const match = (s: Sbom, advisories: readonly OsvAdvisory[], mode: ScanMode = 'ENHANCED') => matchSbom(s, advisoryIndex(advisories), mode);

describe('matchSbom: which findings', () => {
  it.each<[string, Sbom, OsvAdvisory[], ScanMode, string[]]>([
    ['BASIC reports OS packages only', sbom(libssl, lodash), [DSA, GHSA], 'BASIC', ['DSA-5532-1 libssl3']],
    ['ENHANCED reports OS and language packages, by severity', sbom(lodash, libssl), [DSA, GHSA], 'ENHANCED', ['DSA-5532-1 libssl3', 'GHSA-35jh-r3h4-6jhm lodash']],
    ['a Debian binary is matched by its source package', sbom(libssl), [DSA], 'BASIC', ['DSA-5532-1 libssl3']],
    ["the source's version is compared, not the binary's", sbom(libcurl), [CURL], 'BASIC', ['DLA-3000-1 libcurl4']],
    ['a fixed version is not reported', sbom({ ...lodash, version: '4.17.21', purl: 'pkg:npm/lodash@4.17.21' }), [GHSA], 'ENHANCED', []],
    ['PyPI names meet however spelt (PyYAML, pyyaml), through the versions list', sbom(pyyaml), [PYSEC], 'ENHANCED', ['PYSEC-2021-142 PyYAML']],
    ['another release of the distribution is another package', sbom({ ...libssl, ecosystem: 'Debian:11' }), [DSA], 'BASIC', []],
    ['a withdrawn advisory reports nothing', sbom(libssl, lodash), [{ ...DSA, withdrawn: '2024-02-01T00:00:00Z' }, GHSA], 'ENHANCED', ['GHSA-35jh-r3h4-6jhm lodash']],
    ['an advisory naming other packages only reports nothing', sbom(lodash), [DSA, CURL], 'ENHANCED', []],
    ['no packages, no findings', sbom(), [DSA, GHSA], 'ENHANCED', []],
    [
      'one finding per advisory and package, even when two entries hold it',
      sbom(lodash),
      [{ ...GHSA, affected: [...GHSA.affected!, range('npm', 'lodash', [{ introduced: '4.0.0' }, { fixed: '4.17.21' }])] }],
      'ENHANCED',
      ['GHSA-35jh-r3h4-6jhm lodash'],
    ],
    [
      'the same package at two locations (two purls) is two findings',
      sbom(lodash, { ...lodash, purl: 'pkg:npm/lodash@4.17.20?file=/srv', locations: ['/srv/node_modules/lodash/package.json'] }),
      [GHSA],
      'ENHANCED',
      ['GHSA-35jh-r3h4-6jhm lodash', 'GHSA-35jh-r3h4-6jhm lodash'],
    ],
  ])('%s', (_, s, advisories, mode, expected) => {
    expect(ids(match(s, advisories, mode))).toEqual(expected);
  });
});

describe('matchSbom: what a finding says', () => {
  it('an OS finding: aliases, texts, the ADVISORY reference as uri, CVSS severity, fix, dates, the package as cataloged', () => {
    const [finding, ...rest] = match(sbom(libssl), [DSA], 'BASIC');
    expect(rest).toEqual([]);
    expect(finding).toEqual({
      vulnerabilityId: 'DSA-5532-1',
      aliases: ['CVE-2023-5363'],
      summary: DSA.summary,
      description: DSA.details,
      uri: 'https://www.debian.org/security/2023/dsa-5532',
      references: ['https://www.openssl.org/news/secadv/20231024.txt', 'https://www.debian.org/security/2023/dsa-5532'],
      severity: 'CRITICAL',
      cvss: { version: '3.1', vector: CRITICAL_V3, score: 9.8 },
      fixedInVersion: '3.0.11-1~deb12u2',
      publishedAt: '2023-10-24T00:00:00Z',
      modifiedAt: '2024-01-02T00:00:00Z',
      package: {
        name: 'libssl3',
        version: '3.0.11-1~deb12u1',
        type: 'os',
        ecosystem: 'Debian:12',
        packageManager: 'OS',
        purl: libssl.purl,
        sourceName: 'openssl',
        sourceVersion: '3.0.11-1~deb12u1',
        locations: ['/var/lib/dpkg/status'],
      },
    });
  });

  it.each<[string, OsvAdvisory, Partial<Finding>]>([
    ['without an ADVISORY reference the uri is the first reference', GHSA, { uri: 'https://github.com/lodash/lodash/pull/5065', severity: 'MEDIUM', fixedInVersion: '4.17.21' }],
    ['without references the uri is the advisory on osv.dev', { ...GHSA, references: [] }, { uri: 'https://osv.dev/vulnerability/GHSA-35jh-r3h4-6jhm', references: [] }],
    ['without a severity it is UNDEFINED', { ...GHSA, severity: [] }, { severity: 'UNDEFINED' }],
    ['a distribution word decides over CVSS', { ...GHSA, severity: [{ type: 'CVSS_V3', score: CRITICAL_V3 }, { type: 'Ubuntu', score: 'low' }] }, { severity: 'LOW', vendorSeverity: 'low' }],
    [
      'an entry severity is preferred to the advisory severity',
      { ...GHSA, affected: [range('npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.21' }], { severity: [{ type: 'CVSS_V3', score: CRITICAL_V3 }] })] },
      { severity: 'CRITICAL' },
    ],
    ['last_affected: affected, but no fix to offer', { ...GHSA, affected: [range('npm', 'lodash', [{ introduced: '0' }, { last_affected: '4.17.20' }])] }, { fixedInVersion: undefined }],
  ])('%s', (_, advisory, expected) => {
    const [finding] = match(sbom(lodash), [advisory]);
    expect(finding).toBeDefined();
    for (const [field, value] of Object.entries(expected)) expect(finding![field as keyof Finding]).toEqual(value);
  });

  it('sorts by severity, then advisory id, then package', () => {
    const low = (id: string): OsvAdvisory => ({ ...GHSA, id, severity: [{ type: 'CVSS_V3', score: MEDIUM_V3 }] });
    const findings = match(sbom(lodash, libssl, { ...lodash, name: 'lodash-es', purl: 'pkg:npm/lodash-es@4.17.20' }), [
      low('GHSA-b'),
      { ...low('GHSA-a'), affected: [range('npm', 'lodash', [{ introduced: '0' }]), range('npm', 'lodash-es', [{ introduced: '0' }])] },
      DSA,
    ]);
    expect(ids(findings)).toEqual(['DSA-5532-1 libssl3', 'GHSA-a lodash', 'GHSA-a lodash-es', 'GHSA-b lodash']);
  });
});

describe('severityCounts', () => {
  const f = (severity: Finding['severity']) => ({ severity }) as Finding;
  it.each<[string, Finding[], Record<string, number>]>([
    ['none', [], {}],
    ['one of each present, absent ones left out', [f('HIGH'), f('LOW')], { HIGH: 1, LOW: 1 }],
    ['counts repeats', [f('CRITICAL'), f('CRITICAL'), f('UNDEFINED'), f('CRITICAL')], { CRITICAL: 3, UNDEFINED: 1 }],
  ])('%s', (_, findings, counts) => {
    expect(severityCounts(findings)).toEqual(counts);
  });

  it('counts what matchSbom found', () => {
    expect(severityCounts(match(sbom(libssl, lodash, libcurl), [DSA, GHSA, CURL]))).toEqual({ CRITICAL: 1, MEDIUM: 1, UNDEFINED: 1 });
  });
});

describe('sbomPackageKeys', () => {
  it.each<[ScanMode, { ecosystem: string; name: string }[]]>([
    ['BASIC', [{ ecosystem: 'Debian:12', name: 'openssl' }, { ecosystem: 'Debian:12', name: 'curl' }]],
    [
      'ENHANCED',
      [
        { ecosystem: 'Debian:12', name: 'openssl' },
        { ecosystem: 'npm', name: 'lodash' },
        { ecosystem: 'PyPI', name: 'pyyaml' },
        { ecosystem: 'Debian:12', name: 'curl' },
      ],
    ],
  ])('%s: the keys matchSbom looks up, each once', (mode, keys) => {
    expect(sbomPackageKeys(sbom(libssl, lodash, { ...libssl, name: 'openssl', purl: 'pkg:deb/debian/openssl@3' }, pyyaml, libcurl), mode)).toEqual(keys);
  });
});
