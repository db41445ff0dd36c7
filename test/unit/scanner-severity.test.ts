import { describe, expect, it } from 'vitest';
import type { OsvAdvisory } from '../../src/scanner/advisories/osv.js';
import { advisorySeverity, cvssBaseScore, severityFromDistroWord, severityFromScore, type EcrSeverity } from '../../src/scanner/severity.js';

// Base scores as FIRST's calculators give them (v3.1 spec section 7 arithmetic; v4.0 macro-vector lookup; NVD v2).
const CVSS_TABLE: readonly (readonly [string, string, number, EcrSeverity])[] = [
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', '3.1', 9.8, 'CRITICAL'],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', '3.1', 10, 'CRITICAL'],
  ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:N/A:N', '3.1', 6.8, 'MEDIUM'],
  ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N', '3.1', 5.5, 'MEDIUM'],
  ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', '3.1', 8.8, 'HIGH'],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', '3.1', 7.5, 'HIGH'],
  ['CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N', '3.1', 1.6, 'LOW'],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', '3.1', 0, 'INFORMATIONAL'],
  ['CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N', '3.0', 4.3, 'MEDIUM'],
  // Temporal and environmental metrics leave the base score alone.
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U', '3.1', 9.8, 'CRITICAL'],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:P', '3.1', 9.8, 'CRITICAL'],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', '4.0', 9.3, 'CRITICAL'],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H', '4.0', 10, 'CRITICAL'],
  ['CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', '4.0', 8.5, 'HIGH'],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N', '4.0', 5.3, 'MEDIUM'],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N', '4.0', 0, 'INFORMATIONAL'],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U', '4.0', 9.3, 'CRITICAL'],
  // CVSS v2 has no CRITICAL band.
  ['AV:N/AC:L/Au:N/C:P/I:P/A:P', '2.0', 7.5, 'HIGH'],
  ['AV:N/AC:L/Au:N/C:C/I:C/A:C', '2.0', 10, 'HIGH'],
  ['AV:N/AC:M/Au:N/C:N/I:P/A:N', '2.0', 4.3, 'MEDIUM'],
  ['(AV:N/AC:L/Au:N/C:C/I:C/A:C)', '2.0', 10, 'HIGH'],
  ['CVSS:2.0/AV:N/AC:M/Au:N/C:N/I:P/A:N', '2.0', 4.3, 'MEDIUM'],
];

describe('CVSS base scores', () => {
  it('scores v2, v3.0, v3.1 and v4.0 vectors and buckets them as ECR does', () => {
    const got = CVSS_TABLE.map(([vector]) => {
      const s = cvssBaseScore(vector);
      return [vector, s?.version, s?.score, severityFromScore(s?.score, s?.version)];
    });
    expect(got).toEqual(CVSS_TABLE.map((row) => [...row]));
  });

  it('rejects malformed, incomplete and self-contradicting vectors', () => {
    for (const v of ['', 'garbage', 'CVSS:3.1/AV:N', 'CVSS:4.0/AV:N/AC:L', 'CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L', 'CVSS:9.9/AV:N']) {
      expect(cvssBaseScore(v), v).toBeUndefined();
    }
  });
});

describe('ECR severity buckets', () => {
  it('maps v3/v4 scores at the band edges', () => {
    const edges: [number | undefined, EcrSeverity][] = [
      [10, 'CRITICAL'],
      [9.0, 'CRITICAL'],
      [8.9, 'HIGH'],
      [7.0, 'HIGH'],
      [6.9, 'MEDIUM'],
      [4.0, 'MEDIUM'],
      [3.9, 'LOW'],
      [0.1, 'LOW'],
      [0.0, 'INFORMATIONAL'],
      [undefined, 'UNDEFINED'],
      [Number.NaN, 'UNDEFINED'],
    ];
    expect(edges.map(([s]) => severityFromScore(s))).toEqual(edges.map(([, sev]) => sev));
    expect(severityFromScore(9.5, '2.0')).toBe('HIGH');
    expect(severityFromScore(3.9, '2.0')).toBe('LOW');
    expect(severityFromScore(0, '2.0')).toBe('LOW');
  });

  it("maps Debian, Ubuntu, Red Hat and GitHub words to ECR's", () => {
    const words: [string, EcrSeverity | undefined][] = [
      ['unimportant', 'INFORMATIONAL'],
      ['negligible', 'INFORMATIONAL'],
      ['low', 'LOW'],
      ['Low', 'LOW'],
      ['low**', 'LOW'],
      ['medium', 'MEDIUM'],
      ['Moderate', 'MEDIUM'],
      ['MODERATE', 'MEDIUM'],
      ['high', 'HIGH'],
      ['Important', 'HIGH'],
      ['critical', 'CRITICAL'],
      ['CRITICAL', 'CRITICAL'],
      ['not yet assigned', undefined],
      ['end-of-life', undefined],
      ['untriaged', undefined],
      ['', undefined],
    ];
    expect(words.map(([w]) => severityFromDistroWord(w))).toEqual(words.map(([, s]) => s));
  });
});

const base = { id: 'TEST-1', modified: '2026-01-01T00:00:00Z' } as const;

describe('advisory severity', () => {
  it("prefers Ubuntu's priority over the CVSS score, and reports the score alongside", () => {
    const adv: OsvAdvisory = {
      ...base,
      severity: [
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
        { type: 'Ubuntu', score: 'medium' },
      ],
    };
    expect(advisorySeverity(adv)).toEqual({
      severity: 'MEDIUM',
      source: 'distro',
      distroWord: 'medium',
      cvss: { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 9.8 },
    });
  });

  it("uses Debian's urgency from the package entry, and falls back to CVSS when it is not assigned", () => {
    const unimportant: OsvAdvisory = {
      ...base,
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }],
      affected: [{ package: { ecosystem: 'Debian:12', name: 'glibc' }, ecosystem_specific: { urgency: 'unimportant' } }],
    };
    expect(advisorySeverity(unimportant, unimportant.affected?.[0])).toMatchObject({ severity: 'INFORMATIONAL', source: 'distro', distroWord: 'unimportant' });
    const unassigned: OsvAdvisory = {
      ...unimportant,
      affected: [{ package: { ecosystem: 'Debian:12', name: 'glibc' }, ecosystem_specific: { urgency: 'not yet assigned' } }],
    };
    expect(advisorySeverity(unassigned, unassigned.affected?.[0])).toMatchObject({ severity: 'HIGH', source: 'cvss', cvss: { score: 7.5 } });
  });

  it("takes a package's own severity before the advisory's, and the advisory's database_specific last", () => {
    const adv: OsvAdvisory = {
      ...base,
      database_specific: { severity: 'LOW' },
      affected: [
        { package: { ecosystem: 'Red Hat:enterprise_linux:9::baseos', name: 'openssl' }, database_specific: { severity: 'Important' } },
        { package: { ecosystem: 'Red Hat:enterprise_linux:8::baseos', name: 'openssl' } },
      ],
    };
    expect(advisorySeverity(adv, adv.affected?.[0]).severity).toBe('HIGH');
    expect(advisorySeverity(adv, adv.affected?.[1]).severity).toBe('LOW');
  });

  it('prefers CVSS v3 over v4 and v2, taking the highest score of a kind', () => {
    const adv: OsvAdvisory = {
      ...base,
      severity: [
        { type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:C/I:C/A:C' },
        { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H' },
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N' },
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H' },
      ],
    };
    expect(advisorySeverity(adv)).toEqual({
      severity: 'HIGH',
      source: 'cvss',
      cvss: { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', score: 8.8 },
    });
    const v4only: OsvAdvisory = { ...base, severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }] };
    expect(advisorySeverity(v4only)).toMatchObject({ severity: 'HIGH', source: 'cvss', cvss: { version: '4.0', score: 8.5 } });
    const v2only: OsvAdvisory = { ...base, severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:C/I:C/A:C' }] };
    expect(advisorySeverity(v2only)).toMatchObject({ severity: 'HIGH', source: 'cvss', cvss: { version: '2.0', score: 10 } });
  });

  it('reads package-level CVSS scores', () => {
    const adv: OsvAdvisory = {
      ...base,
      affected: [{ package: { ecosystem: 'npm', name: 'x' }, severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N' }] }],
    };
    expect(advisorySeverity(adv, adv.affected?.[0])).toMatchObject({ severity: 'LOW', source: 'cvss', cvss: { score: 1.6 } });
  });

  it('is UNDEFINED with no usable score or word', () => {
    expect(advisorySeverity(base)).toEqual({ severity: 'UNDEFINED', source: 'none' });
    const junk: OsvAdvisory = { ...base, severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N' }, { type: 'Ubuntu', score: 'untriaged' }] };
    expect(advisorySeverity(junk)).toEqual({ severity: 'UNDEFINED', source: 'none' });
  });
});
