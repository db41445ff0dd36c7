import type { Distro } from '../sbom.js';

/**
 * The distribution an image is built on, from os-release(5): `/etc/os-release`, else
 * `/usr/lib/os-release` (which `/etc/os-release` usually links to). The OS catalogers take
 * their OSV ecosystem from it, so advisories for Debian 12 are matched against a Debian 12
 * image only.
 */
export const OS_RELEASE_PATHS = ['/etc/os-release', '/usr/lib/os-release'] as const;

export function wantsOsRelease(path: string): boolean {
  return (OS_RELEASE_PATHS as readonly string[]).includes(path);
}

/** os-release is a shell-compatible `KEY=value` list; values may be quoted, with `\` escapes in double quotes. */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2] ?? '';
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = value.slice(1, -1).replace(/\\([$"\\`])/g, '$1');
    } else if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) {
      value = value.slice(1, -1);
    }
    out.set(m[1]!, value);
  }
  return out;
}

function majorMinor(version: string): [string, string | undefined] | undefined {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version);
  return m ? [m[1]!, m[2]] : undefined;
}

/** OSV ecosystem names per os-release ID (https://ossf.github.io/osv-schema/#affectedpackage-field). */
const ECOSYSTEMS: Readonly<Record<string, (versionId: string | undefined) => string | undefined>> = {
  debian: (v) => (v && majorMinor(v) ? `Debian:${majorMinor(v)![0]}` : undefined),
  ubuntu: (v) => (v ? `Ubuntu:${v}` : undefined),
  alpine: (v) => {
    const mm = v ? majorMinor(v) : undefined;
    return mm && mm[1] !== undefined ? `Alpine:v${mm[0]}.${mm[1]}` : undefined;
  },
  wolfi: () => 'Wolfi',
  chainguard: () => 'Chainguard',
  almalinux: (v) => (v && majorMinor(v) ? `AlmaLinux:${majorMinor(v)![0]}` : undefined),
  rocky: (v) => (v && majorMinor(v) ? `Rocky Linux:${majorMinor(v)![0]}` : undefined),
  rhel: (v) => (v && majorMinor(v) ? `Red Hat:enterprise_linux:${majorMinor(v)![0]}` : undefined),
  photon: (v) => (v ? `Photon OS:${v}` : undefined),
  azurelinux: (v) => (v && majorMinor(v) ? `Azure Linux:${majorMinor(v)![0]}` : undefined),
  'opensuse-leap': (v) => (v ? `openSUSE:Leap ${v}` : undefined),
};

export function distroFrom(fields: ReadonlyMap<string, string>): Distro | undefined {
  const id = fields.get('ID')?.toLowerCase();
  if (!id) return undefined;
  const versionId = fields.get('VERSION_ID');
  const versionCodename = fields.get('VERSION_CODENAME');
  const prettyName = fields.get('PRETTY_NAME');
  const ecosystem = Object.hasOwn(ECOSYSTEMS, id) ? ECOSYSTEMS[id]!(versionId) : undefined;
  return {
    id,
    ...(versionId !== undefined ? { versionId } : {}),
    ...(versionCodename !== undefined ? { versionCodename } : {}),
    ...(prettyName !== undefined ? { prettyName } : {}),
    ...(ecosystem !== undefined ? { ecosystem } : {}),
  };
}

/** The distro from whichever os-release file survived in the image, `/etc` first. */
export function detectDistro(files: ReadonlyMap<string, Buffer>): Distro | undefined {
  for (const path of OS_RELEASE_PATHS) {
    const content = files.get(path);
    if (content) {
      const distro = distroFrom(parseOsRelease(content.toString('utf8')));
      if (distro) return distro;
    }
  }
  return undefined;
}

/** `distro=` qualifier for OS package purls, as syft writes it: `debian-12`, `alpine-3.19.1`. */
export function purlDistro(distro: Distro | undefined): string | undefined {
  if (!distro) return undefined;
  return distro.versionId ? `${distro.id}-${distro.versionId}` : distro.id;
}

/**
 * The ecosystem and purl namespace for an OS package database: the distro's when os-release
 * names one, else the database's own family without a release (`Debian`), with a note, since
 * advisories are per release.
 */
export function osEcosystem(
  context: { readonly distro?: Distro; note(message: string): void },
  family: string,
  fallbackNamespace: string,
  what: string,
): { ecosystem: string; namespace: string; distroQualifier: string | undefined } {
  const distro = context.distro;
  if (distro?.ecosystem) return { ecosystem: distro.ecosystem, namespace: distro.id, distroQualifier: purlDistro(distro) };
  context.note(
    distro
      ? `${what}: no OSV ecosystem is known for distro ${distro.id} ${distro.versionId ?? ''}`.trimEnd() + `; packages recorded under ${family}`
      : `${what}: no os-release found; packages recorded under ${family} without a release`,
  );
  return { ecosystem: family, namespace: distro?.id ?? fallbackNamespace, distroQualifier: purlDistro(distro) };
}
