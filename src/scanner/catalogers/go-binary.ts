import type { Package } from '../sbom.js';
import type { Cataloger } from './cataloger.js';
import { acceptsExecutable, wantsExecutable } from './executables.js';
import { parseModinfo, readGoBuildInfo, type GoBuildInfo } from './go-buildinfo.js';
import { purl } from './purl.js';

/**
 * Go modules compiled into executables, from their embedded build info (see go-buildinfo.ts;
 * which files are looked at is explained in executables.ts). Reported: the main module unless
 * it was built from a checkout (`(devel)`), every dependency, and the standard library as
 * `stdlib` at the toolchain's version (`go1.21.5` -> `1.21.5`, as OSV's Go advisories name it).
 */
function goPackage(path: string, version: string, location: string): Package {
  return {
    name: path,
    version,
    type: 'language',
    ecosystem: 'Go',
    purl: purl('golang', path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : undefined, path.slice(path.lastIndexOf('/') + 1), version),
    locations: [location],
    packageManager: 'GOBINARY',
  };
}

export const goBinaryCataloger: Cataloger = {
  name: 'go-binary',
  wants: wantsExecutable,
  accepts: acceptsExecutable,
  reduce(_path, content) {
    const info = readGoBuildInfo(content);
    return info ? Buffer.from(JSON.stringify(info)) : undefined;
  },
  catalog(files) {
    const out: Package[] = [];
    for (const [location, content] of files) {
      const info = JSON.parse(content.toString('utf8')) as GoBuildInfo;
      const { main, deps } = parseModinfo(info.modinfo);
      if (main && main.version !== '' && main.version !== '(devel)') out.push(goPackage(main.path, main.version, location));
      for (const dep of deps) out.push(goPackage(dep.path, dep.version, location));
      const toolchain = /^go(\d+(?:\.\d+)*(?:(?:rc|beta|alpha)\d+)?)(?:\s|$)/.exec(info.goVersion);
      if (toolchain) out.push(goPackage('stdlib', toolchain[1]!, location));
    }
    return out;
  },
};
