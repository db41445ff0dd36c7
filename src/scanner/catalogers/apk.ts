import type { Package } from '../sbom.js';
import type { Cataloger } from './cataloger.js';
import { osEcosystem } from './os-release.js';
import { purl } from './purl.js';

/**
 * Alpine (and Wolfi/Chainguard) packages from apk's database `/lib/apk/db/installed`:
 * blank-line separated records of `X:value` lines, `P` the package, `V` its version, `A` the
 * architecture, `o` the origin (source) package. Every record there is installed.
 */
const INSTALLED = '/lib/apk/db/installed';

function records(text: string): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  let current = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      if (current.size > 0) out.push(current);
      current = new Map();
      continue;
    }
    if (line.length >= 2 && line[1] === ':' && !current.has(line[0]!)) current.set(line[0]!, line.slice(2).trim());
  }
  if (current.size > 0) out.push(current);
  return out;
}

export const apkCataloger: Cataloger = {
  name: 'apk',
  wants: (path) => path === INSTALLED,
  catalog(files, context) {
    const content = files.get(INSTALLED);
    if (!content) return [];
    const { ecosystem, namespace, distroQualifier } = osEcosystem(context, 'Alpine', 'alpine', 'apk');
    const out: Package[] = [];
    for (const r of records(content.toString('utf8'))) {
      const name = r.get('P');
      const version = r.get('V');
      if (!name || !version) continue;
      out.push({
        name,
        version,
        type: 'os',
        ecosystem,
        purl: purl('apk', namespace, name, version, { arch: r.get('A'), distro: distroQualifier }),
        sourceName: r.get('o') || name,
        sourceVersion: version,
        locations: [INSTALLED],
        packageManager: 'OS',
      });
    }
    return out;
  },
};
