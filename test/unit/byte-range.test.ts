import { describe, expect, it } from 'vitest';
import { parseContentRange, parseRangeHeader } from '../../src/domain/byte-range.js';
import { codeOf } from './support.js';

describe('parseRangeHeader', () => {
  it.each([
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=0-0', 1, { start: 0, end: 0 }],
    ['bytes=10-19', 100, { start: 10, end: 19 }],
    ['bytes=5-', 100, { start: 5, end: 99 }],
    ['bytes=99-', 100, { start: 99, end: 99 }],
    ['bytes=-3', 100, { start: 97, end: 99 }],
    ['bytes=-100', 100, { start: 0, end: 99 }],
    ['bytes=-1000', 100, { start: 0, end: 99 }], // a suffix longer than the blob selects all of it
    ['bytes=0-1000', 100, { start: 0, end: 99 }], // an end beyond the blob clamps to the last byte
    ['bytes=50-99999999999999999999', 100, { start: 50, end: 99 }],
    ['  bytes=0-9  ', 100, { start: 0, end: 9 }],
  ])('%s of %i bytes → %o', (header, size, expected) => {
    expect(parseRangeHeader(header, size)).toEqual(expected);
  });

  it.each([
    ['no header', undefined],
    ['empty header', ''],
    ['another unit', 'items=0-9'],
    ['several ranges', 'bytes=0-9,20-29'],
    ['several ranges with a space', 'bytes=0-9, 20-29'],
    ['no numbers', 'bytes=-'],
    ['last before first', 'bytes=9-0'],
    ['negative first', 'bytes=--5'],
    ['letters', 'bytes=a-b'],
    ['missing unit', '0-9'],
    ['space around =', 'bytes = 0-9'],
    ['decimal', 'bytes=0.5-9'],
  ])('ignores %s (whole blob)', (_why, header) => {
    expect(parseRangeHeader(header, 100)).toBeUndefined();
  });

  it.each([
    ['start at the size', 'bytes=100-', 100],
    ['start beyond the size', 'bytes=150-200', 100],
    ['start at the size with an end', 'bytes=100-100', 100],
    ['zero-length suffix', 'bytes=-0', 100],
    ['any range of an empty blob', 'bytes=0-', 0],
    ['a suffix of an empty blob', 'bytes=-5', 0],
  ])('refuses %s as RANGE_NOT_SATISFIABLE', (_why, header, size) => {
    expect(codeOf(() => parseRangeHeader(header, size))).toBe('RANGE_NOT_SATISFIABLE');
  });

  it('still ignores (rather than refuses) a malformed header on an empty blob', () => {
    expect(parseRangeHeader('bytes=0-9,20-29', 0)).toBeUndefined();
  });
});

describe('parseContentRange', () => {
  it.each([
    ['0-99', { start: 0, end: 99 }],
    ['bytes 0-99', { start: 0, end: 99 }],
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=0-99/200', { start: 0, end: 99 }],
    ['bytes 100-199/*', { start: 100, end: 199 }],
    ['5-5', { start: 5, end: 5 }],
    [' 0-9 ', { start: 0, end: 9 }],
  ])('%s → %o', (header, expected) => {
    expect(parseContentRange(header)).toEqual(expected);
  });

  it.each([
    ['empty', ''],
    ['end before start', '10-5'],
    ['no end', '0-'],
    ['no start', '-9'],
    ['negative', '-1-9'],
    ['letters', 'a-b'],
    ['another unit', 'items 0-9'],
    ['two ranges', '0-9,10-19'],
    ['bad total', 'bytes 0-9/x'],
    ['unit without separator', 'bytes0-9'],
  ])('refuses %s as UPLOAD_OUT_OF_ORDER', (_why, header) => {
    expect(codeOf(() => parseContentRange(header))).toBe('UPLOAD_OUT_OF_ORDER');
  });
});
