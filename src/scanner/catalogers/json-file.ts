import type { CatalogContext } from './cataloger.js';

/** JSON.parse of a file's bytes (a UTF-8 BOM allowed); a malformed file is noted and yields undefined. */
export function parseJsonFile(content: Buffer, path: string, context: Pick<CatalogContext, 'note'>, who: string): unknown {
  try {
    return JSON.parse(content.toString('utf8').replace(/^\uFEFF/, '')) as unknown;
  } catch {
    context.note(`${who}: ${path} is not valid JSON`);
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}
