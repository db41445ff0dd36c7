import cvss from 'ae-cvss-calculator';
import type { OsvAdvisory, OsvAffected, OsvSeverity } from './advisories/osv.js';

/** The severities ECR reports on a finding. */
export type EcrSeverity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' | 'UNDEFINED';

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';

export interface CvssScore {
  readonly version: CvssVersion;
  readonly vector: string;
  /** The base score, 0.0–10.0. */
  readonly score: number;
}

/**
 * The base score of a CVSS vector (`CVSS:3.1/AV:N/…`, `CVSS:3.0/…`, `CVSS:4.0/…`, or a v2
 * vector `AV:N/AC:L/Au:N/C:P/I:P/A:P`, bare, parenthesised or with `CVSS:2.0/`). Temporal,
 * threat and environmental metrics do not change it. Undefined for a vector that is malformed,
 * repeats a metric or lacks a base metric.
 */
export function cvssBaseScore(vector: string): CvssScore | undefined {
  const v = vector.trim().replace(/^CVSS:2\.0\//, '');
  if (hasRepeatedMetric(v)) return undefined;
  try {
    if (v.startsWith('CVSS:4.0/')) {
      const c = new cvss.Cvss4P0(v);
      if (!c.isBaseFullyDefined()) return undefined;
      const s = c.calculateScores();
      return finite({ version: '4.0', vector: v, score: s.baseMetricsOnly ?? s.base });
    }
    if (v.startsWith('CVSS:3.1/') || v.startsWith('CVSS:3.0/')) {
      const c = v.startsWith('CVSS:3.1/') ? new cvss.Cvss3P1(v) : new cvss.Cvss3P0(v);
      if (!c.isBaseFullyDefined()) return undefined;
      return finite({ version: v.startsWith('CVSS:3.1/') ? '3.1' : '3.0', vector: v, score: c.calculateScores().base });
    }
    if (/^(\(?)AV:[LAN]\/AC:[HML]\/Au:[MSN]\//.test(v)) {
      const bare = v.replace(/^\(|\)$/g, '');
      const c = new cvss.Cvss2(bare);
      if (!c.isBaseFullyDefined()) return undefined;
      return finite({ version: '2.0', vector: bare, score: c.calculateScores().base });
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** A metric given twice (`…/A:H/A:L`) makes a vector invalid; the calculator would silently take the last. */
function hasRepeatedMetric(vector: string): boolean {
  const keys = vector
    .replace(/^\(|\)$/g, '')
    .split('/')
    .filter((part) => !part.startsWith('CVSS:'))
    .map((part) => part.split(':')[0]);
  return new Set(keys).size !== keys.length;
}

function finite(s: { version: CvssVersion; vector: string; score: number | undefined }): CvssScore | undefined {
  if (s.score === undefined || !Number.isFinite(s.score)) return undefined;
  return { version: s.version, vector: s.vector, score: s.score };
}

/**
 * ECR's buckets for a CVSS v3.x or v4.0 base score: CRITICAL ≥ 9.0, HIGH ≥ 7.0, MEDIUM ≥ 4.0,
 * LOW ≥ 0.1, INFORMATIONAL at 0.0. CVSS v2 has no CRITICAL band (HIGH ≥ 7.0, MEDIUM ≥ 4.0,
 * LOW below). No score is UNDEFINED.
 */
export function severityFromScore(score: number | undefined, version: CvssVersion = '3.1'): EcrSeverity {
  if (score === undefined || !Number.isFinite(score) || score < 0) return 'UNDEFINED';
  if (version === '2.0') return score >= 7 ? 'HIGH' : score >= 4 ? 'MEDIUM' : 'LOW';
  if (score >= 9) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  if (score >= 0.1) return 'LOW';
  return 'INFORMATIONAL';
}

/**
 * A distribution's own severity word as ECR would show it. Debian urgencies (`unimportant`,
 * `low`, `medium`, `high`), Ubuntu priorities (`negligible`, `low`, `medium`, `high`,
 * `critical`), Red Hat impacts (`Low`, `Moderate`, `Important`, `Critical`) and GitHub's
 * (`LOW`, `MODERATE`, `HIGH`, `CRITICAL`); Debian's `low**`-style starred urgencies count as
 * the word. Words that say "not triaged yet" (`not yet assigned`, `unknown`, `untriaged`,
 * `end-of-life`) give undefined so the CVSS score decides.
 */
export function severityFromDistroWord(word: string): EcrSeverity | undefined {
  const w = word.trim().toLowerCase().replace(/\*+$/, '').trim();
  switch (w) {
    case 'critical':
      return 'CRITICAL';
    case 'high':
    case 'important':
      return 'HIGH';
    case 'medium':
    case 'moderate':
      return 'MEDIUM';
    case 'low':
      return 'LOW';
    case 'negligible':
    case 'unimportant':
    case 'informational':
    case 'none':
      return 'INFORMATIONAL';
    default:
      return undefined;
  }
}

export interface SeverityResult {
  readonly severity: EcrSeverity;
  /** Where the severity came from. */
  readonly source: 'distro' | 'cvss' | 'none';
  /** The distribution's own word, when it decided. */
  readonly distroWord?: string;
  /** The CVSS score used (or, when the distro word decided, the one reported alongside it). */
  readonly cvss?: CvssScore;
}

const SEVERITY_KEYS = ['severity', 'urgency', 'priority', 'impact'] as const;

function distroWordFrom(record: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (!record) return undefined;
  for (const key of SEVERITY_KEYS) {
    const value = record[key];
    if (typeof value === 'string' && severityFromDistroWord(value) !== undefined) return value;
  }
  return undefined;
}

function distroWordFromSeverities(severities: readonly OsvSeverity[] | undefined): string | undefined {
  for (const s of severities ?? []) {
    if (!s.type.startsWith('CVSS_') && severityFromDistroWord(s.score) !== undefined) return s.score;
  }
  return undefined;
}

/** CVSS preference: v3.x first (what ECR reports), then v4.0, then v2. */
const CVSS_PREFERENCE: readonly CvssVersion[][] = [['3.1', '3.0'], ['4.0'], ['2.0']];

function bestCvss(severities: readonly OsvSeverity[]): CvssScore | undefined {
  const scores = severities
    .filter((s) => s.type.startsWith('CVSS_'))
    .map((s) => cvssBaseScore(s.score))
    .filter((s): s is CvssScore => s !== undefined);
  for (const versions of CVSS_PREFERENCE) {
    const found = scores.filter((s) => versions.includes(s.version));
    if (found.length > 0) return found.reduce((a, b) => (b.score > a.score ? b : a));
  }
  return undefined;
}

/**
 * The severity of an advisory for one affected package. A distribution's own word wins (from
 * the package's or advisory's `severity` list, e.g. `{type: "Ubuntu", score: "medium"}`, or
 * from `severity`/`urgency`/`priority`/`impact` in the package's `ecosystem_specific` or
 * `database_specific`, then the advisory's `database_specific`); otherwise the CVSS base
 * score (v3.x, then v4.0, then v2; the highest of each kind) decides; otherwise UNDEFINED.
 */
export function advisorySeverity(advisory: OsvAdvisory, affected?: OsvAffected): SeverityResult {
  const severities = [...(affected?.severity ?? []), ...(advisory.severity ?? [])];
  const score = bestCvss(severities);
  const word =
    distroWordFromSeverities(affected?.severity) ??
    distroWordFrom(affected?.ecosystem_specific) ??
    distroWordFrom(affected?.database_specific) ??
    distroWordFromSeverities(advisory.severity) ??
    distroWordFrom(advisory.database_specific);
  if (word !== undefined) {
    const severity = severityFromDistroWord(word) ?? 'UNDEFINED';
    return score ? { severity, source: 'distro', distroWord: word, cvss: score } : { severity, source: 'distro', distroWord: word };
  }
  if (score) return { severity: severityFromScore(score.score, score.version), source: 'cvss', cvss: score };
  return { severity: 'UNDEFINED', source: 'none' };
}
