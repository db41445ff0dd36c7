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
    for (const f of packageFindings(p, advisoriesFor)) if (!findings.has(findingId(f))) findings.set(findingId(f), f);
  }
  return [...findings.values()].sort(compareFindings);
}

/** The findings of one package, in its advisories' order (matchSbom keeps the first per advisory and purl). */
function packageFindings(p: Package, advisoriesFor: AdvisoriesFor): Finding[] {
  const { key, version } = advisoryIdentity(p);
  const found: Finding[] = [];
  for (const advisory of advisoriesFor(key)) {
    if (advisory.withdrawn !== undefined) continue;
    const affected = (advisory.affected ?? []).find((a) => namesPackage(a, key) && isAffected(version, a));
    if (affected) found.push(finding(advisory, affected, p, version));
  }
  return found;
}

function findingId(f: Finding): string {
  return `${f.vulnerabilityId}\u0000${f.package.purl}`;
}

/** Findings as stored: the JSON and what the scan records beside it. */
export interface MatchedFindings {
  /** Exactly `JSON.stringify(matchSbom(…))`. */
  readonly json: string;
  readonly count: number;
  readonly severityCounts: Record<string, number>;
}

/** The Package fields a finding copies or its match depends on: packages equal in these have the same findings. */
const PACKAGE_FIELDS = ['name', 'version', 'type', 'ecosystem', 'packageManager', 'purl', 'sourceName', 'sourceVersion'] as const;
// Compile-time check that PACKAGE_FIELDS (with locations) covers FindingPackage.
const coversFindingPackage: Exclude<keyof FindingPackage, (typeof PACKAGE_FIELDS)[number] | 'locations'> extends never ? true : never = true;
void coversFindingPackage;

function samePackage(a: Package, b: Package): boolean {
  return PACKAGE_FIELDS.every((f) => a[f] === b[f]) && a.locations.length === b.locations.length && a.locations.every((l, i) => l === b.locations[i]);
}

/** A finding with what matching many SBOMs needs of it, worked out once. */
interface MemoFinding {
  readonly finding: Finding;
  readonly json: string;
  readonly id: string;
  readonly order: SortFields;
}

/**
 * matchSbom for many SBOMs against one unchanging set of advisories (a rescan, where images share
 * most packages): each distinct package is matched and its findings serialised once, so the cost
 * follows distinct packages rather than images × packages. The memo is dropped when it grows past
 * MEMO_LIMIT packages, which bounds memory whatever the number of images.
 */
export class SbomMatcher {
  static readonly MEMO_LIMIT = 200_000;
  readonly #byPurl = new Map<string, { readonly pkg: Package; readonly findings: readonly MemoFinding[] }[]>();
  #memoised = 0;

  constructor(
    private readonly advisoriesFor: AdvisoriesFor,
    private readonly mode: ScanMode,
  ) {}

  match(sbom: Sbom): MatchedFindings {
    const seen = new Set<string>();
    const chosen: MemoFinding[] = [];
    for (const p of sbom.packages) {
      if (this.mode === 'BASIC' && p.type !== 'os') continue;
      for (const m of this.#findingsOf(p)) {
        if (seen.has(m.id)) continue;
        seen.add(m.id);
        chosen.push(m);
      }
    }
    chosen.sort((a, b) => compareSortFields(a.order, b.order));
    // JSON.stringify of an array is its elements' serialisations, comma-separated, in brackets.
    return { json: `[${chosen.map((m) => m.json).join(',')}]`, count: chosen.length, severityCounts: severityCounts(chosen.map((m) => m.finding)) };
  }

  #findingsOf(p: Package): readonly MemoFinding[] {
    const bucket = this.#byPurl.get(p.purl);
    const known = bucket?.find((entry) => samePackage(entry.pkg, p));
    if (known) return known.findings;
    const findings = packageFindings(p, this.advisoriesFor).map((finding) => ({ finding, json: JSON.stringify(finding), id: findingId(finding), order: sortFields(finding) }));
    if (++this.#memoised > SbomMatcher.MEMO_LIMIT) {
      this.#byPurl.clear();
      this.#memoised = 1;
    }
    const entry = { pkg: p, findings };
    const current = this.#byPurl.get(p.purl);
    if (current) current.push(entry);
    else this.#byPurl.set(p.purl, [entry]);
    return findings;
  }
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

/** What findings sort by: severity (worst first), advisory, package name, purl. */
interface SortFields {
  readonly rank: number;
  readonly id: string;
  readonly name: string;
  readonly purl: string;
}

function sortFields(f: Finding): SortFields {
  return { rank: SEVERITY_ORDER.indexOf(f.severity), id: f.vulnerabilityId, name: f.package.name, purl: f.package.purl };
}

function compareSortFields(a: SortFields, b: SortFields): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return a.rank - b.rank || cmp(a.id, b.id) || cmp(a.name, b.name) || cmp(a.purl, b.purl);
}

function compareFindings(a: Finding, b: Finding): number {
  return compareSortFields(sortFields(a), sortFields(b));
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
