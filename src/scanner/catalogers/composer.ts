import type { Package } from '../sbom.js';
import type { Cataloger } from './cataloger.js';
import { isRecord, parseJsonFile, stringField } from './json-file.js';
import { purl } from './purl.js';

/**
 * PHP packages Composer installed, from `…/vendor/composer/installed.json`: Composer 1 writes
 * an array of packages, Composer 2 an object whose `packages` holds that array. Dev packages
 * are on disk too and are reported.
 */
const INSTALLED = /\/vendor\/composer\/installed\.json$/;

export const composerCataloger: Cataloger = {
  name: 'composer',
  wants: (path) => INSTALLED.test(path),
  catalog(files, context) {
    const out: Package[] = [];
    for (const [path, content] of files) {
      const json = parseJsonFile(content, path, context, 'composer');
      const list = Array.isArray(json) ? json : isRecord(json) && Array.isArray(json.packages) ? json.packages : undefined;
      if (!list) continue;
      for (const entry of list) {
        if (!isRecord(entry)) continue;
        const name = stringField(entry, 'name');
        const version = stringField(entry, 'version');
        if (!name || !version) continue;
        const [vendor, project] = name.includes('/') ? [name.slice(0, name.indexOf('/')), name.slice(name.indexOf('/') + 1)] : [undefined, name];
        out.push({
          name,
          version,
          type: 'language',
          ecosystem: 'Packagist',
          purl: purl('composer', vendor, project, version),
          locations: [path],
          packageManager: 'COMPOSER',
        });
      }
    }
    return out;
  },
};
