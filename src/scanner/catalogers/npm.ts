import type { Package } from '../sbom.js';
import type { Cataloger } from './cataloger.js';
import { isRecord, parseJsonFile, stringField } from './json-file.js';
import { purl } from './purl.js';

/**
 * npm packages installed in any `node_modules`, nested ones included:
 * `…/node_modules/<name>/package.json` and `…/node_modules/@scope/<name>/package.json`. Each
 * manifest is reduced to its name and version while the layer streams, so a large
 * node_modules costs a few bytes per package.
 */
const MANIFEST = /\/node_modules\/(?:@[^/]+\/)?[^/@.][^/]*\/package\.json$/;

export const npmCataloger: Cataloger = {
  name: 'npm',
  wants: (path) => MANIFEST.test(path),
  reduce(_path, content) {
    try {
      const json = JSON.parse(content.toString('utf8').replace(/^\uFEFF/, '')) as unknown;
      if (!isRecord(json)) return undefined;
      const name = stringField(json, 'name');
      const version = stringField(json, 'version');
      return name && version ? Buffer.from(JSON.stringify({ name, version })) : undefined;
    } catch {
      return undefined;
    }
  },
  catalog(files, context) {
    const out: Package[] = [];
    for (const [path, content] of files) {
      const json = parseJsonFile(content, path, context, 'npm');
      if (!isRecord(json)) continue;
      const name = stringField(json, 'name');
      const version = stringField(json, 'version');
      if (!name || !version) continue;
      const scoped = /^(@[^/]+)\/(.+)$/.exec(name);
      out.push({
        name,
        version,
        type: 'language',
        ecosystem: 'npm',
        purl: scoped ? purl('npm', scoped[1], scoped[2]!, version) : purl('npm', undefined, name, version),
        locations: [path],
        packageManager: 'NPM',
      });
    }
    return out;
  },
};
