import type { Package } from '../sbom.js';
import type { Cataloger } from './cataloger.js';
import { osEcosystem } from './os-release.js';
import { purl } from './purl.js';
import { parseStanzas, type Stanza } from './stanzas.js';

/**
 * Debian and Ubuntu packages from dpkg's database: `/var/lib/dpkg/status`, and the one-stanza
 * files distroless images keep in `/var/lib/dpkg/status.d/` (their `.md5sums` siblings are
 * not stanzas).
 *
 * A package counts when dpkg's status (the third word of `Status:`) is `installed`, whatever
 * the selection: `install ok installed`, and also `hold ok installed` (held, still on disk) and
 * `deinstall ok installed` (selected for removal, not yet removed). `deinstall ok
 * config-files`, `purge ok not-installed` and half-installed states are left out. status.d
 * stanzas often have no `Status:` at all and count as installed.
 *
 * The source package comes from `Source: name (version)`, the version defaulting to the
 * binary's; without `Source:` the package is its own source. Debian's advisories are keyed by
 * source package, so both are kept.
 */
const STATUS = '/var/lib/dpkg/status';
const STATUS_D = /^\/var\/lib\/dpkg\/status\.d\/[^/]+$/;

function installed(stanza: Stanza, statusOptional: boolean): boolean {
  const status = stanza.get('Status');
  if (status === undefined) return statusOptional;
  return status.split(/\s+/)[2] === 'installed';
}

function source(stanza: Stanza, name: string, version: string): { sourceName: string; sourceVersion: string } {
  const m = /^(\S+)(?:\s*\(([^)]+)\))?/.exec(stanza.get('Source') ?? '');
  if (!m) return { sourceName: name, sourceVersion: version };
  return { sourceName: m[1]!, sourceVersion: m[2]?.trim() || version };
}

export const dpkgCataloger: Cataloger = {
  name: 'dpkg',
  wants: (path) => path === STATUS || (STATUS_D.test(path) && !path.endsWith('.md5sums')),
  catalog(files, context) {
    if (files.size === 0) return [];
    const { ecosystem, namespace, distroQualifier } = osEcosystem(context, 'Debian', 'debian', 'dpkg');
    const out: Package[] = [];
    for (const [path, content] of files) {
      for (const stanza of parseStanzas(content.toString('utf8'))) {
        const name = stanza.get('Package');
        const version = stanza.get('Version');
        if (!name || !version || !installed(stanza, path !== STATUS)) continue;
        const arch = stanza.get('Architecture');
        out.push({
          name,
          version,
          type: 'os',
          ecosystem,
          purl: purl('deb', namespace, name, version, { arch, distro: distroQualifier }),
          ...source(stanza, name, version),
          locations: [path],
          packageManager: 'OS',
        });
      }
    }
    return out;
  },
};
