import type { OsvAdvisory, OsvAffected } from './advisories/osv.js';
import { advisoryIdentity, advisoryPackageKeys, keyString, normalizePackageName, type PackageKey } from './advisory-keys.js';
import { fixedVersionFor, isAffected } from './matchers/osv-match.js';
import type { Package, Sbom } from './sbom.js';
import { advisorySeverity, type CvssScore, type EcrSeverity } from './severity.js';

/**
 * Matching, pure: the findings of an SBOM against the advisories that name its packages. BASIC
 * reports OS packages only (as ECR's basic scanning does); ENHANCED reports OS and language
 * packages. One finding per (advisory, package); withdrawn advisories report nothing.
 */

export type ScanMode = 'BASIC' | 'ENHANCED';

export interface FindingPackage {
  readonly name: string;
  readonly version: string;
  readonly type: 'os' | 'language';
  readonly ecosystem: string;
  readonly packageManager: string;
  readonly purl: string;
  readonly sourceName?: string;
  readonly sourceVersion?: string;
  readonly locations: readonly string[];
}

export interface Finding {
  /** The advisory's id (`CVE-…`, `GHSA-…`, `DSA-…`). */
  readonly vulnerabilityId: string;
  readonly aliases: readonly string[];
  readonly summary?: string;
  readonly description?: string;
  readonly uri: string;
  readonly references: readonly string[];
  readonly severity: EcrSeverity;
  /** The distribution's own word, when it decided the severity. */
  readonly vendorSeverity?: string;
  readonly cvss?: CvssScore;
  readonly fixedInVersion?: string;
  readonly publishedAt?: string;
  readonly modifiedAt: string;
  readonly package: FindingPackage;
}

export type AdvisoriesFor = (key: PackageKey) => readonly OsvAdvisory[];

const SEVERITY_ORDER: readonly EcrSeverity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED'];

export function matchSbom(sbom: Sbom, advisoriesFor: AdvisoriesFor, mode: ScanMode): Finding[] {
  const findings = new Map<string, Finding>();
  for (const p of sbom.packages) {
    if (mode === 'BASIC' && p.type !== 'os') continue;
    const { key, version } = advisoryIdentity(p);
    for (const advisory of advisoriesFor(key)) {
      if (advisory.withdrawn !== undefined) continue;
      const id = `${advisory.id}\u0000${p.purl}`;
      if (findings.has(id)) continue;
      const affected = (advisory.affected ?? []).find((a) => namesPackage(a, key) && isAffected(version, a));
      if (affected) findings.set(id, finding(advisory, affected, p, version));
    }
  }
  return [...findings.values()].sort(compareFindings);
}

function namesPackage(affected: OsvAffected, key: PackageKey): boolean {
  const pkg = affected.package;
  return pkg !== undefined && pkg.ecosystem === key.ecosystem && normalizePackageName(pkg.ecosystem, pkg.name) === key.name;
}

/**
 * Severity is a function of the advisory and its affected entry: computed (CVSS parsing) once per
 * pair. Keyed by both, since two advisory objects may share an entry object.
 */
const severities = new WeakMap<OsvAdvisory, WeakMap<OsvAffected, ReturnType<typeof advisorySeverity>>>();

function severityOf(advisory: OsvAdvisory, affected: OsvAffected): ReturnType<typeof advisorySeverity> {
  let byEntry = severities.get(advisory);
  if (!byEntry) severities.set(advisory, (byEntry = new WeakMap()));
  let severity = byEntry.get(affected);
  if (!severity) byEntry.set(affected, (severity = advisorySeverity(advisory, affected)));
  return severity;
}

function finding(advisory: OsvAdvisory, affected: OsvAffected, p: Package, version: string): Finding {
  const severity = severityOf(advisory, affected);
  const fixed = fixedVersionFor(version, affected);
  const references = (advisory.references ?? []).map((r) => r.url);
  const advisoryRef = (advisory.references ?? []).find((r) => r.type === 'ADVISORY')?.url;
  return {
    vulnerabilityId: advisory.id,
    aliases: advisory.aliases ?? [],
    ...(advisory.summary !== undefined ? { summary: advisory.summary } : {}),
    ...(advisory.details !== undefined ? { description: advisory.details } : {}),
    uri: advisoryRef ?? references[0] ?? `https://osv.dev/vulnerability/${encodeURIComponent(advisory.id)}`,
    references,
    severity: severity.severity,
    ...(severity.distroWord !== undefined ? { vendorSeverity: severity.distroWord } : {}),
    ...(severity.cvss ? { cvss: severity.cvss } : {}),
    ...(fixed !== undefined ? { fixedInVersion: fixed } : {}),
    ...(advisory.published !== undefined ? { publishedAt: advisory.published } : {}),
    modifiedAt: advisory.modified,
    package: {
      name: p.name,
      version: p.version,
      type: p.type,
      ecosystem: p.ecosystem,
      packageManager: p.packageManager,
      purl: p.purl,
      ...(p.sourceName !== undefined ? { sourceName: p.sourceName } : {}),
      ...(p.sourceVersion !== undefined ? { sourceVersion: p.sourceVersion } : {}),
      locations: p.locations,
    },
  };
}

function compareFindings(a: Finding, b: Finding): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    cmp(a.vulnerabilityId, b.vulnerabilityId) ||
    cmp(a.package.name, b.package.name) ||
    cmp(a.package.purl, b.package.purl)
  );
}

/** ECR's findingSeverityCounts: the severities present, with how many findings have each. */
export function severityCounts(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return counts;
}

/** An in-memory lookup over advisories (parsed once), as matchSbom wants it. */
export function advisoryIndex(advisories: Iterable<OsvAdvisory>): AdvisoriesFor {
  const index = new Map<string, OsvAdvisory[]>();
  for (const advisory of advisories) {
    for (const key of advisoryPackageKeys(advisory)) {
      const list = index.get(keyString(key));
      if (list) list.push(advisory);
      else index.set(keyString(key), [advisory]);
    }
  }
  return (key) => index.get(keyString(key)) ?? [];
}

/** The keys matchSbom will look up for an SBOM in a mode (to fetch just those advisories). */
export function sbomPackageKeys(sbom: Sbom, mode: ScanMode): PackageKey[] {
  const keys = new Map<string, PackageKey>();
  for (const p of sbom.packages) {
    if (mode === 'BASIC' && p.type !== 'os') continue;
    const { key } = advisoryIdentity(p);
    keys.set(keyString(key), key);
  }
  return [...keys.values()];
}
