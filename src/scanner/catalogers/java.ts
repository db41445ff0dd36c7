import type { Package } from '../sbom.js';
import { readZipEntries, readZipEntry, ZipError, type ZipEntry } from '../zip.js';
import type { Cataloger } from './cataloger.js';
import { purl } from './purl.js';

/**
 * Java archives (jar, war, ear and the plugin flavours built on them). Per archive:
 *
 * 1. every `META-INF/maven/<group>/<artifact>/pom.properties` is an artifact (a shaded or fat
 *    jar carries one per bundled library);
 * 2. without any, `META-INF/MANIFEST.MF`: the version from `Implementation-Version` or
 *    `Bundle-Version`, the group from `Implementation-Vendor-Id` (or a `Bundle-SymbolicName`
 *    of the form `<group>.<artifact>`), the artifact from the file
 *    name (manifest titles are prose: "Apache Commons Lang");
 * 3. without either, the file name alone (`commons-io-2.11.0.jar`);
 *
 * and archives nested inside (`WEB-INF/lib/*.jar`, `BOOT-INF/lib/*.jar`, an ear's modules) are
 * read the same way, down to MAX_DEPTH levels and within an inflate budget per top-level
 * archive. Locations name nested archives Java's way: `/app/x.war!/WEB-INF/lib/y.jar`.
 *
 * The work happens in `reduce`, while the layer streams: what is kept is the artifact list, not
 * the archive.
 */
const ARCHIVE = /\.(?:jar|war|ear|par|sar|jpi|hpi|nar|kar)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const MANIFEST = 'META-INF/MANIFEST.MF';
const MAX_DEPTH = 3;
const MAX_ENTRY = 64 * 1024 * 1024;
const INFLATE_BUDGET = 512 * 1024 * 1024;

interface Artifact {
  readonly groupId?: string;
  readonly artifactId: string;
  readonly version: string;
  readonly location: string;
}

interface Findings {
  readonly artifacts: Artifact[];
  readonly notes: string[];
}

/** Java .properties, as Maven writes pom.properties: `key=value` or `key:value`, `#`/`!` comments. */
function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

/** MANIFEST.MF main section: `Name: value`, continuation lines start with one space and join without it. */
function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (line.startsWith(' ') && last !== undefined) {
      out.set(last, out.get(last)! + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    out.set(last, line.slice(colon + 1).trim());
  }
  return out;
}

/** `commons-io-2.11.0.jar` -> artifact `commons-io`, version `2.11.0`; `app.jar` -> artifact `app`. */
function fromFileName(location: string): { artifactId: string; version?: string } {
  const base = location.slice(location.lastIndexOf('/') + 1).replace(ARCHIVE, '');
  const m = /^(.+?)-(\d[\w.+-]*)$/.exec(base);
  return m ? { artifactId: m[1]!, version: m[2]! } : { artifactId: base };
}

function fromManifest(fields: Map<string, string>, location: string): Artifact | undefined {
  const named = fromFileName(location);
  const version = fields.get('Implementation-Version') ?? fields.get('Bundle-Version') ?? named.version;
  if (!version) return undefined;
  // OSGi bundles are often named `<group>.<artifact>` (com.fasterxml.jackson.core.jackson-databind).
  const symbolic = fields.get('Bundle-SymbolicName')?.split(';')[0]?.trim();
  const groupId =
    fields.get('Implementation-Vendor-Id') ??
    (symbolic?.endsWith(`.${named.artifactId}`) ? symbolic.slice(0, -named.artifactId.length - 1) : undefined);
  return { ...(groupId ? { groupId } : {}), artifactId: named.artifactId, version, location };
}

class Walker {
  private budget = INFLATE_BUDGET;
  readonly findings: Findings = { artifacts: [], notes: [] };

  private read(archive: Buffer, entry: ZipEntry): Buffer {
    if (entry.size > this.budget) throw new ZipError(`${entry.name}: inflate budget exhausted`);
    const data = readZipEntry(archive, entry, MAX_ENTRY);
    this.budget -= data.length;
    return data;
  }

  walk(archive: Buffer, location: string, depth: number): void {
    let entries: ZipEntry[];
    try {
      entries = readZipEntries(archive);
    } catch (err) {
      this.findings.notes.push(`java: ${location}: ${(err as Error).message}`);
      return;
    }
    const before = this.findings.artifacts.length;
    for (const entry of entries) {
      if (!POM_PROPERTIES.test(entry.name)) continue;
      const props = this.tryRead(archive, entry, location);
      if (!props) continue;
      const p = parseProperties(props.toString('utf8'));
      const artifactId = p.get('artifactId');
      const version = p.get('version');
      const groupId = p.get('groupId');
      if (artifactId && version) this.findings.artifacts.push({ ...(groupId ? { groupId } : {}), artifactId, version, location });
    }
    if (this.findings.artifacts.length === before) {
      const manifestEntry = entries.find((e) => e.name === MANIFEST);
      const manifest = manifestEntry ? this.tryRead(archive, manifestEntry, location) : undefined;
      const artifact = manifest ? fromManifest(parseManifest(manifest.toString('utf8')), location) : undefined;
      const named = fromFileName(location);
      if (artifact) this.findings.artifacts.push(artifact);
      else if (named.version) this.findings.artifacts.push({ artifactId: named.artifactId, version: named.version, location });
    }
    for (const entry of entries) {
      if (!ARCHIVE.test(entry.name) || entry.name.endsWith('/')) continue;
      if (depth + 1 >= MAX_DEPTH) {
        this.findings.notes.push(`java: ${location}!/${entry.name}: nested deeper than ${MAX_DEPTH} archives; not read`);
        continue;
      }
      const nested = this.tryRead(archive, entry, location);
      if (nested) this.walk(nested, `${location}!/${entry.name}`, depth + 1);
    }
  }

  private tryRead(archive: Buffer, entry: ZipEntry, location: string): Buffer | undefined {
    try {
      return this.read(archive, entry);
    } catch (err) {
      this.findings.notes.push(`java: ${location}: ${(err as Error).message}`);
      return undefined;
    }
  }
}

/** The artifacts in one archive file and what could not be read, as JSON (what `reduce` keeps). */
export function analyzeJavaArchive(path: string, content: Buffer): Findings {
  const walker = new Walker();
  walker.walk(content, path, 0);
  return walker.findings;
}

export const javaCataloger: Cataloger = {
  name: 'java',
  wants: (path) => ARCHIVE.test(path),
  reduce: (path, content) => Buffer.from(JSON.stringify(analyzeJavaArchive(path, content))),
  catalog(files, context) {
    const out: Package[] = [];
    for (const content of files.values()) {
      const findings = JSON.parse(content.toString('utf8')) as Findings;
      findings.notes.forEach((n) => context.note(n));
      for (const a of findings.artifacts) {
        out.push({
          name: a.groupId ? `${a.groupId}:${a.artifactId}` : a.artifactId,
          version: a.version,
          type: 'language',
          ecosystem: 'Maven',
          purl: purl('maven', a.groupId, a.artifactId, a.version),
          locations: [a.location],
          packageManager: 'JAR',
        });
      }
    }
    return out;
  },
};
