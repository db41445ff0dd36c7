import type { Package } from '../sbom.js';
import type { Cataloger } from './cataloger.js';
import { isRecord, parseJsonFile } from './json-file.js';
import { purl } from './purl.js';

/**
 * .NET dependencies from an application's `*.deps.json`: every entry of `libraries` whose
 * `type` is `package` (a NuGet package; `project` and `reference` entries are the app itself).
 * Keys are `<Name>/<Version>`.
 */
const DEPS = /\.deps\.json$/;

export const dotnetCataloger: Cataloger = {
  name: 'dotnet',
  wants: (path) => DEPS.test(path),
  catalog(files, context) {
    const out: Package[] = [];
    for (const [path, content] of files) {
      const json = parseJsonFile(content, path, context, 'dotnet');
      if (!isRecord(json) || !isRecord(json.libraries)) continue;
      for (const [key, lib] of Object.entries(json.libraries)) {
        if (!isRecord(lib) || lib.type !== 'package') continue;
        const slash = key.lastIndexOf('/');
        if (slash <= 0 || slash === key.length - 1) continue;
        const name = key.slice(0, slash);
        const version = key.slice(slash + 1);
        out.push({
          name,
          version,
          type: 'language',
          ecosystem: 'NuGet',
          purl: purl('nuget', undefined, name, version),
          locations: [path],
          packageManager: 'NUGET',
        });
      }
    }
    return out;
  },
};
