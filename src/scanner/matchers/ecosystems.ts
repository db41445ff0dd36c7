import * as apk from './apk.js';
import * as composer from './composer.js';
import * as dpkg from './dpkg.js';
import * as maven from './maven.js';
import * as nuget from './nuget.js';
import * as pep440 from './pep440.js';
import * as rpm from './rpm.js';
import * as rubygems from './rubygems.js';
import * as semver from './semver.js';
import type { SchemeName, VersionScheme } from './version-scheme.js';

export type { SchemeName, VersionScheme } from './version-scheme.js';

export const SCHEMES: Readonly<Record<SchemeName, VersionScheme>> = {
  dpkg: { name: 'dpkg', compare: dpkg.compare, isValid: dpkg.isValid },
  apk: { name: 'apk', compare: apk.compare, isValid: apk.isValid },
  rpm: { name: 'rpm', compare: rpm.compare, isValid: rpm.isValid },
  semver: { name: 'semver', compare: semver.compare, isValid: semver.isValid },
  go: { name: 'go', compare: semver.compareGo, isValid: semver.isValidGo },
  pep440: { name: 'pep440', compare: pep440.compare, isValid: pep440.isValid },
  maven: { name: 'maven', compare: maven.compare, isValid: maven.isValid },
  rubygems: { name: 'rubygems', compare: rubygems.compare, isValid: rubygems.isValid },
  nuget: { name: 'nuget', compare: nuget.compare, isValid: nuget.isValid },
  composer: { name: 'composer', compare: composer.compare, isValid: composer.isValid },
};

/**
 * OSV ecosystem names (https://ossf.github.io/osv-schema/#affectedpackage-field) and the
 * version scheme their `ECOSYSTEM` ranges are written in. Keys are the part before the first
 * colon; the rest is the release (`Debian:12`, `Alpine:v3.19`, `Ubuntu:22.04:LTS`,
 * `Red Hat:enterprise_linux:9::appstream`).
 */
const ECOSYSTEM_SCHEMES: Readonly<Record<string, SchemeName>> = {
  // dpkg
  Debian: 'dpkg',
  Ubuntu: 'dpkg',
  // apk
  Alpine: 'apk',
  Wolfi: 'apk',
  Chainguard: 'apk',
  MinimOS: 'apk',
  // rpm
  'Red Hat': 'rpm',
  AlmaLinux: 'rpm',
  'Rocky Linux': 'rpm',
  openSUSE: 'rpm',
  SUSE: 'rpm',
  Mageia: 'rpm',
  'Photon OS': 'rpm',
  'Azure Linux': 'rpm',
  openEuler: 'rpm',
  // language ecosystems
  npm: 'semver',
  'crates.io': 'semver',
  Hex: 'semver',
  Pub: 'semver',
  SwiftURL: 'semver',
  Bitnami: 'semver',
  'GitHub Actions': 'semver',
  Go: 'go',
  PyPI: 'pep440',
  Maven: 'maven',
  RubyGems: 'rubygems',
  NuGet: 'nuget',
  Packagist: 'composer',
};

export interface ParsedEcosystem {
  /** The ecosystem proper, e.g. `Debian`, `Alpine`, `PyPI`. */
  readonly ecosystem: string;
  /** What followed the first colon, verbatim (`12`, `v3.19`, `22.04:LTS`), if anything did. */
  readonly release?: string;
}

/** `Debian:12` -> `{ ecosystem: 'Debian', release: '12' }`; `npm` -> `{ ecosystem: 'npm' }`. */
export function parseEcosystem(name: string): ParsedEcosystem {
  const trimmed = name.trim();
  const colon = trimmed.indexOf(':');
  if (colon < 0) return { ecosystem: trimmed };
  const release = trimmed.slice(colon + 1);
  const ecosystem = trimmed.slice(0, colon);
  return release === '' ? { ecosystem } : { ecosystem, release };
}

/** The scheme an OSV ecosystem's versions use, or undefined for ecosystems we cannot order (GIT, Linux, OSS-Fuzz…). */
export function schemeNameFor(ecosystem: string): SchemeName | undefined {
  const { ecosystem: base } = parseEcosystem(ecosystem);
  return Object.hasOwn(ECOSYSTEM_SCHEMES, base) ? ECOSYSTEM_SCHEMES[base] : undefined;
}

export function schemeFor(ecosystem: string): VersionScheme | undefined {
  const name = schemeNameFor(ecosystem);
  return name === undefined ? undefined : SCHEMES[name];
}
