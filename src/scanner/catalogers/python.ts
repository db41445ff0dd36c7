import { normalizePythonName } from '../matchers/pep440.js';
import type { Package } from '../sbom.js';
import type { Cataloger } from './cataloger.js';
import { purl } from './purl.js';
import { parseHeaderStanza } from './stanzas.js';

/**
 * Installed Python distributions: wheels' `*.dist-info/METADATA`, and setuptools'
 * `*.egg-info/PKG-INFO` or a single-file `*.egg-info` (as Debian's python3-* packages install
 * them). Only the header block (`Name`, `Version`) is kept. Names are normalised per PEP 503,
 * as PyPI and OSV key them.
 */
const METADATA = /\.dist-info\/METADATA$|\.egg-info\/PKG-INFO$|\.egg-info$/;

export const pythonCataloger: Cataloger = {
  name: 'python',
  wants: (path) => METADATA.test(path),
  reduce(_path, content) {
    const text = content.toString('utf8');
    const end = text.search(/\r?\n\r?\n/);
    return Buffer.from(end < 0 ? text : text.slice(0, end));
  },
  catalog(files) {
    const out: Package[] = [];
    for (const [path, content] of files) {
      const headers = parseHeaderStanza(content.toString('utf8'));
      const rawName = headers.get('Name');
      const version = headers.get('Version');
      if (!rawName || !version) continue;
      const name = normalizePythonName(rawName);
      out.push({
        name,
        version,
        type: 'language',
        ecosystem: 'PyPI',
        purl: purl('pypi', undefined, name, version),
        locations: [path],
        packageManager: 'PYTHONPKG',
      });
    }
    return out;
  },
};
