import type { Package } from '../sbom.js';
import type { Cataloger } from './cataloger.js';
import { purl } from './purl.js';

/**
 * Installed Ruby gems from the specifications RubyGems writes at install time,
 * `…/specifications/<name>-<version>.gemspec`:
 *
 *     # stub: rake 13.0.6 ruby lib
 *     Gem::Specification.new do |s|
 *       s.name = "rake".freeze
 *       s.version = "13.0.6"
 *
 * The `s.name`/`s.version` assignments are read (any receiver name, either quote), with the
 * `# stub:` line as a fallback. Gemspecs are Ruby; nothing is evaluated.
 */
const SPEC = /\/specifications\/[^/]+\.gemspec$/;
const NAME = /^\s*\w+\.name\s*=\s*["']([^"']+)["']/m;
const VERSION = /^\s*\w+\.version\s*=\s*(?:Gem::Version\.new\(\s*)?["']([^"']+)["']/m;
const STUB = /^# stub: (\S+) (\S+)/m;

export const rubyCataloger: Cataloger = {
  name: 'ruby',
  wants: (path) => SPEC.test(path),
  catalog(files) {
    const out: Package[] = [];
    for (const [path, content] of files) {
      const text = content.toString('utf8');
      const stub = STUB.exec(text);
      const name = NAME.exec(text)?.[1] ?? stub?.[1];
      const version = VERSION.exec(text)?.[1] ?? stub?.[2];
      if (!name || !version) continue;
      out.push({
        name,
        version,
        type: 'language',
        ecosystem: 'RubyGems',
        purl: purl('gem', undefined, name, version),
        locations: [path],
        packageManager: 'GEMSPEC',
      });
    }
    return out;
  },
};
