import { describe, expect, it } from 'vitest';
import { nextLink, readPage } from '../../src/http/data-plane/pagination.js';
import { codeOf } from './support.js';

const q = (s: string): URLSearchParams => new URLSearchParams(s);

describe('readPage', () => {
  it.each([
    ['', { limit: 100, last: undefined, explicit: false }],
    ['n=', { limit: 100, last: undefined, explicit: false }],
    ['n=10', { limit: 10, last: undefined, explicit: true }],
    ['n=0', { limit: 0, last: undefined, explicit: true }],
    ['n=100', { limit: 100, last: undefined, explicit: true }],
    ['n=007', { limit: 7, last: undefined, explicit: true }],
    ['last=v1.0', { limit: 100, last: 'v1.0', explicit: false }],
    ['n=5&last=library%2Fubuntu', { limit: 5, last: 'library/ubuntu', explicit: true }],
    ['last=', { limit: 100, last: '', explicit: false }],
  ])('%j → %o', (query, expected) => {
    expect(readPage(q(query), 100)).toEqual(expected);
  });

  it.each([
    ['above the page size', 'n=101'],
    ['far above the page size', 'n=99999999999999999999999'],
    ['negative', 'n=-1'],
    ['fractional', 'n=1.5'],
    ['exponent', 'n=1e2'],
    ['not a number', 'n=ten'],
    ['hexadecimal', 'n=0x10'],
    ['with spaces', 'n=%2010'],
  ])('refuses n %s as PAGINATION_NUMBER_INVALID', (_why, query) => {
    expect(codeOf(() => readPage(q(query), 100))).toBe('PAGINATION_NUMBER_INVALID');
  });
});

describe('nextLink', () => {
  it('links to the next page when the page came back full', () => {
    expect(nextLink('/v2/app/tags/list', { limit: 2 }, ['a', 'b'])).toBe('</v2/app/tags/list?n=2&last=b>; rel="next"');
  });

  it('encodes the last entry', () => {
    expect(nextLink('/v2/_catalog', { limit: 1 }, ['library/ubuntu'])).toBe('</v2/_catalog?n=1&last=library%2Fubuntu>; rel="next"');
  });

  it.each([
    ['a short page', { limit: 3 }, ['a', 'b']],
    ['an empty page', { limit: 3 }, []],
    ['n=0', { limit: 0 }, []],
  ])('has no link for %s', (_why, page, results) => {
    expect(nextLink('/v2/app/tags/list', page, results)).toBeUndefined();
  });
});
