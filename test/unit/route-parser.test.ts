import { describe, expect, it } from 'vitest';
import { parseDataPlanePath } from '../../src/http/data-plane/route-parser.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseDataPlanePath', () => {
  it.each([
    ['', { endpoint: 'base' }],
    ['_catalog', { endpoint: 'catalog' }],
    ['library/ubuntu/tags/list', { endpoint: 'tags', name: 'library/ubuntu' }],
    ['app/manifests/latest', { endpoint: 'manifest', name: 'app', reference: 'latest' }],
    [`a/b/c/manifests/${DIGEST}`, { endpoint: 'manifest', name: 'a/b/c', reference: DIGEST }],
    [`app/blobs/${DIGEST}`, { endpoint: 'blob', name: 'app', digest: DIGEST }],
    ['app/blobs/uploads/', { endpoint: 'uploads', name: 'app' }],
    ['app/blobs/uploads', { endpoint: 'uploads', name: 'app' }],
    ['app/blobs/uploads/0a1b-2c3d', { endpoint: 'upload', name: 'app', uploadId: '0a1b-2c3d' }],
    [`app/referrers/${DIGEST}`, { endpoint: 'referrers', name: 'app', digest: DIGEST }],
  ])('%j → %o', (path, expected) => {
    expect(parseDataPlanePath(path)).toEqual(expected);
  });

  it.each([
    // Names whose components are the endpoint words themselves: the longest name wins.
    ['blobs/tags/list', { endpoint: 'tags', name: 'blobs' }],
    ['tags/tags/list', { endpoint: 'tags', name: 'tags' }],
    ['x/manifests/tags/list', { endpoint: 'tags', name: 'x/manifests' }],
    ['manifests/manifests/latest', { endpoint: 'manifest', name: 'manifests', reference: 'latest' }],
    ['a/tags/list/manifests/v1', { endpoint: 'manifest', name: 'a/tags/list', reference: 'v1' }],
    ['a/blobs/manifests/list', { endpoint: 'manifest', name: 'a/blobs', reference: 'list' }],
    [`blobs/blobs/${DIGEST}`, { endpoint: 'blob', name: 'blobs', digest: DIGEST }],
    [`a/blobs/uploads/blobs/${DIGEST}`, { endpoint: 'blob', name: 'a/blobs/uploads', digest: DIGEST }],
    [`a/manifests/blobs/${DIGEST}`, { endpoint: 'blob', name: 'a/manifests', digest: DIGEST }],
    ['blobs/blobs/uploads/', { endpoint: 'uploads', name: 'blobs' }],
    ['a/blobs/uploads/blobs/uploads', { endpoint: 'uploads', name: 'a/blobs/uploads' }],
    ['uploads/blobs/uploads/u1', { endpoint: 'upload', name: 'uploads', uploadId: 'u1' }],
    ['a/blobs/uploads/blobs/uploads/u1', { endpoint: 'upload', name: 'a/blobs/uploads', uploadId: 'u1' }],
    [`referrers/referrers/${DIGEST}`, { endpoint: 'referrers', name: 'referrers', digest: DIGEST }],
    [`a/manifests/referrers/${DIGEST}`, { endpoint: 'referrers', name: 'a/manifests', digest: DIGEST }],
    ['_catalog/tags/list', { endpoint: 'tags', name: '_catalog' }],
  ])('name with endpoint words: %j → %o', (path, expected) => {
    expect(parseDataPlanePath(path)).toEqual(expected);
  });

  it.each([
    ['no name before tags', 'tags/list'],
    ['no name before manifests', 'manifests/latest'],
    ['no name before blobs', `blobs/${DIGEST}`],
    ['no name before uploads', 'blobs/uploads/'],
    ['a name alone', 'library/ubuntu'],
    ['an empty reference', 'app/manifests/'],
    ['an empty digest', 'app/blobs/'],
    ['tags without list', 'app/tags'],
    ['tags/list with a trailing slash', 'app/tags/list/'],
    ['a reference followed by more', 'app/manifests/latest/extra'],
    ['a digest followed by more', `app/blobs/${DIGEST}/extra`],
    ['an upload id followed by more', 'app/blobs/uploads/u1/extra'],
    ['_catalog with a trailing slash', '_catalog/'],
    ['an unknown endpoint', 'app/things/x'],
  ])('no route for %s', (_why, path) => {
    expect(parseDataPlanePath(path)).toBeUndefined();
  });

  it('hands names over unvalidated, for the repository layer to refuse', () => {
    expect(parseDataPlanePath('a/../b/tags/list')).toEqual({ endpoint: 'tags', name: 'a/../b' });
    expect(parseDataPlanePath('A%2fB/manifests/latest')).toEqual({ endpoint: 'manifest', name: 'A%2fB', reference: 'latest' });
  });
});
