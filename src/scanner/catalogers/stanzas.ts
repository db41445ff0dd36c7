/**
 * RFC 822-style stanzas, as dpkg's status database and Python's core metadata (METADATA,
 * PKG-INFO) write them: `Field: value` lines, continuation lines starting with a space or tab,
 * stanzas separated by blank lines. Field names are kept as written; the first occurrence of a
 * repeated field wins.
 */
export type Stanza = ReadonlyMap<string, string>;

export function parseStanza(lines: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  let current: string | undefined;
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && current !== undefined) {
      fields.set(current, `${fields.get(current) ?? ''}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      current = undefined;
      continue;
    }
    const name = line.slice(0, colon).trim();
    if (fields.has(name)) {
      current = undefined;
      continue;
    }
    current = name;
    fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

export function parseStanzas(text: string): Stanza[] {
  const out: Stanza[] = [];
  let block: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      if (block.length > 0) out.push(parseStanza(block));
      block = [];
    } else {
      block.push(line);
    }
  }
  if (block.length > 0) out.push(parseStanza(block));
  return out;
}

/** Only the header stanza (Python metadata: the description body follows the first blank line). */
export function parseHeaderStanza(text: string): Stanza {
  const end = text.search(/\r?\n\r?\n/);
  return parseStanza((end < 0 ? text : text.slice(0, end)).split(/\r?\n/));
}
