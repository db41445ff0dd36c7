import { RegistryError } from '../errors/registry-error.js';
import type { ByteRange } from '../storage/blob/blob-store.js';

/**
 * Parses an HTTP `Range` header against a blob of `size` bytes. Returns undefined when the whole
 * blob should be sent (no header, a unit other than bytes, several ranges, or a malformed value —
 * RFC 9110 lets a server ignore those); throws RANGE_NOT_SATISFIABLE when no byte is selectable.
 */
export function parseRangeHeader(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first, last] = match as unknown as [string, string, string];
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) throw unsatisfiable();
  return { start, end };
}

/**
 * Parses an upload chunk's `Content-Range`. The spec writes `<start>-<end>`; some clients send
 * `bytes <start>-<end>` or `bytes=<start>-<end>` (optionally with `/total`), accepted alike.
 */
export function parseContentRange(header: string): ByteRange {
  const match = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!match) throw new RegistryError('UPLOAD_OUT_OF_ORDER', `malformed Content-Range "${header.slice(0, 100)}"`);
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start) throw new RegistryError('UPLOAD_OUT_OF_ORDER', `malformed Content-Range "${header.slice(0, 100)}"`);
  return { start, end };
}

function unsatisfiable(): RegistryError {
  return new RegistryError('RANGE_NOT_SATISFIABLE');
}
