import { inflateSync } from 'node:zlib';
import { parseElf, sectionData } from '../elf.js';
import type { Package } from '../sbom.js';
import type { Cataloger } from './cataloger.js';
import { acceptsExecutable, wantsExecutable } from './executables.js';
import { isRecord } from './json-file.js';
import { purl } from './purl.js';

/**
 * Rust crates compiled into executables built with `cargo auditable`, which embeds the
 * dependency tree as zlib-compressed JSON in an ELF section `.dep-v0`:
 * `{"packages":[{"name","version","source":"crates.io"|"local"|…,"kind":"build"?,"root":true?}]}`.
 * Best effort: crates from crates.io that end up in the binary (build-time-only crates, local
 * and git crates are left out, since OSV's crates.io advisories cannot name them). Binaries
 * without the section are not Rust-auditable and yield nothing.
 */
const SECTION = '.dep-v0';
const MAX_JSON = 8 * 1024 * 1024;

export const rustCataloger: Cataloger = {
  name: 'rust',
  wants: wantsExecutable,
  accepts: acceptsExecutable,
  reduce(_path, content) {
    const elf = parseElf(content);
    const section = elf ? sectionData(content, elf, SECTION) : undefined;
    if (!section) return undefined;
    try {
      return inflateSync(section, { maxOutputLength: MAX_JSON });
    } catch {
      return Buffer.from('{"invalid":true}');
    }
  },
  catalog(files, context) {
    const out: Package[] = [];
    for (const [location, content] of files) {
      let json: unknown;
      try {
        json = JSON.parse(content.toString('utf8'));
      } catch {
        json = undefined;
      }
      if (!isRecord(json) || !Array.isArray(json.packages)) {
        context.note(`rust: ${location}: unreadable ${SECTION} section`);
        continue;
      }
      for (const p of json.packages) {
        if (!isRecord(p) || typeof p.name !== 'string' || typeof p.version !== 'string') continue;
        if (p.source !== 'crates.io' || p.kind === 'build') continue;
        out.push({
          name: p.name,
          version: p.version,
          type: 'language',
          ecosystem: 'crates.io',
          purl: purl('cargo', undefined, p.name, p.version),
          locations: [location],
          packageManager: 'CARGO',
        });
      }
    }
    return out;
  },
};
