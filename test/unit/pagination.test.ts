import { describe, expect, it } from 'vitest';
import { fetchPage, readPage } from '../../src/http/data-plane/pagination.js';
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

describe('fetchPage', () => {
  const rows = ['a', 'b', 'c', 'library/ubuntu'];
  const source = async (page: { last?: string | undefined; limit: number }) =>
    rows.filter((r) => page.last === undefined || r > page.last).slice(0, page.limit);

  it('links to the next page when more rows follow', async () => {
    expect(await fetchPage({ limit: 2 }, '/v2/app/tags/list', source)).toEqual({
      items: ['a', 'b'],
      link: '</v2/app/tags/list?n=2&last=b>; rel="next"',
    });
  });

  it('encodes the last entry', async () => {
    expect((await fetchPage({ limit: 1, last: 'c' }, '/v2/_catalog', source)).items).toEqual(['library/ubuntu']);
    const page = await fetchPage({ limit: 1, last: 'b' }, '/v2/_catalog', source);
    expect(page.link).toBe('</v2/_catalog?n=1&last=c>; rel="next"');
  });

  it.each([
    ['a short page', { limit: 5 }],
    ['a page exactly full with nothing after it', { limit: 4 }],
    ['n=0', { limit: 0 }],
  ])('has no link for %s', async (_why, page) => {
    expect((await fetchPage(page, '/v2/app/tags/list', source)).link).toBeUndefined();
  });
});
