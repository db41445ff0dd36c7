import type { OsvAdvisory } from './advisories/osv.js';
import { parseEcosystem } from './matchers/ecosystems.js';
import type { Package } from './sbom.js';

/**
 * How packages and advisories meet: by (OSV ecosystem, package name), the name normalised the way
 * the ecosystem compares names (PyPI per PEP 503; npm, Maven, Go and the distributions as
 * written). Distributions whose advisories name source packages (Debian, Ubuntu, Alpine, Wolfi)
 * are looked up by the source package a binary was built from, with the source's version.
 */

export interface PackageKey {
  readonly ecosystem: string;
  readonly name: string;
}

/** Distributions whose OSV advisories are keyed by source package. */
const SOURCE_KEYED: ReadonlySet<string> = new Set(['Debian', 'Ubuntu', 'Alpine', 'Wolfi', 'Chainguard']);

export function normalizePackageName(ecosystem: string, name: string): string {
  const base = parseEcosystem(ecosystem).ecosystem;
  if (base === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-');
  if (base === 'NuGet' || base === 'Packagist') return name.toLowerCase();
  return name;
}

/** The name and version of a package as its ecosystem's advisories name it. */
export function advisoryIdentity(p: Package): { key: PackageKey; version: string } {
  const bySource = p.type === 'os' && p.sourceName !== undefined && SOURCE_KEYED.has(parseEcosystem(p.ecosystem).ecosystem);
  const name = bySource ? p.sourceName! : p.name;
  const version = bySource ? (p.sourceVersion ?? p.version) : p.version;
  return { key: { ecosystem: p.ecosystem, name: normalizePackageName(p.ecosystem, name) }, version };
}

/** The packages an advisory names, normalised, each once. */
export function advisoryPackageKeys(advisory: OsvAdvisory): PackageKey[] {
  const keys = new Map<string, PackageKey>();
  for (const affected of advisory.affected ?? []) {
    const pkg = affected.package;
    if (!pkg?.ecosystem || !pkg.name) continue;
    const key = { ecosystem: pkg.ecosystem, name: normalizePackageName(pkg.ecosystem, pkg.name) };
    keys.set(`${key.ecosystem}\u0000${key.name}`, key);
  }
  return [...keys.values()];
}

export function keyString(key: PackageKey): string {
  return `${key.ecosystem}\u0000${key.name}`;
}
