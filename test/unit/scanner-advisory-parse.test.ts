import { describe, expect, it } from 'vitest';
import { parseAdvisory } from '../../src/scanner/advisories/import.js';
import type { OsvAdvisory } from '../../src/scanner/advisories/osv.js';
import type { NewAdvisory } from '../../src/storage/metadata/metadata-store.js';

const base = { id: 'GHSA-xxxx-yyyy-zzzz', modified: '2024-03-01T00:00:00Z' };
const entry = (extra: Record<string, unknown>) => JSON.stringify({ ...base, affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ...extra }] });

describe('parseAdvisory: what is refused, and why', () => {
  it.each([
    ['not JSON', '{"id": "X",', 'not valid JSON'],
    ['an empty file', '', 'not valid JSON'],
    ['a JSON array', '[{"id":"X"}]', 'not a JSON object'],
    ['a JSON string', '"GHSA-1"', 'not a JSON object'],
    ['null', 'null', 'not a JSON object'],
    ['no id', JSON.stringify({ modified: base.modified }), 'no "id"'],
    ['an empty id', JSON.stringify({ ...base, id: '' }), 'no "id"'],
    ['a numeric id', JSON.stringify({ ...base, id: 7 }), 'no "id"'],
    ['no modified', JSON.stringify({ id: base.id }), `${base.id}: no "modified"`],
    ['affected not an array', JSON.stringify({ ...base, affected: { package: {} } }), `${base.id}: "affected" is not an array`],
    ['an affected entry that is not an object', JSON.stringify({ ...base, affected: ['lodash'] }), `${base.id}: "affected[0]" is not an object`],
    ['a package without a name', JSON.stringify({ ...base, affected: [{ package: { ecosystem: 'npm' } }] }), `${base.id}: "affected[0].package" needs a string "ecosystem" and "name"`],
    ['a numeric package name', JSON.stringify({ ...base, affected: [{ package: { ecosystem: 'npm', name: 1 } }] }), `${base.id}: "affected[0].package" needs a string "ecosystem" and "name"`],
    ['versions as a string (would match by substring)', entry({ versions: '1.0.0 1.0.1' }), `${base.id}: "affected[0].versions" is not an array of strings`],
    ['versions with a number', entry({ versions: ['1.0.0', 2] }), `${base.id}: "affected[0].versions" is not an array of strings`],
    ['ranges not an array', entry({ ranges: { type: 'SEMVER' } }), `${base.id}: "affected[0].ranges" is not an array`],
    ['a range without a type', entry({ ranges: [{ events: [] }] }), `${base.id}: "affected[0].ranges[0].type" is not a string`],
    ['a range without events', entry({ ranges: [{ type: 'SEMVER' }] }), `${base.id}: "affected[0].ranges[0]" has no "events"`],
    ['events not an array', entry({ ranges: [{ type: 'SEMVER', events: { introduced: '0' } }] }), `${base.id}: "affected[0].ranges[0].events" is not an array`],
    ['a numeric event version', entry({ ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: 2 }] }] }), `${base.id}: "affected[0].ranges[0].events[1]" has a version that is not a string`],
    ['an entry severity without a score', entry({ severity: [{ type: 'CVSS_V3' }] }), `${base.id}: "affected[0].severity[0]" needs a string "type" and "score"`],
    ['aliases as a string', JSON.stringify({ ...base, aliases: 'CVE-2024-1' }), `${base.id}: "aliases" is not an array of strings`],
    ['withdrawn as a boolean', JSON.stringify({ ...base, withdrawn: true }), `${base.id}: "withdrawn" is not a string`],
    ['details as an object', JSON.stringify({ ...base, details: { text: 'x' } }), `${base.id}: "details" is not a string`],
    ['a severity list that is not one', JSON.stringify({ ...base, severity: 'HIGH' }), `${base.id}: "severity" is not an array`],
    ['a reference without a url', JSON.stringify({ ...base, references: [{ type: 'WEB' }] }), `${base.id}: "references[0].url" is not a string`],
  ])('%s', (_, text, problem) => {
    expect(parseAdvisory(text)).toBe(problem);
  });
});

describe('parseAdvisory: accepted advisories', () => {
  const parsed = (doc: Partial<OsvAdvisory>): NewAdvisory => {
    const result = parseAdvisory(JSON.stringify({ ...base, ...doc }));
    if (typeof result === 'string') throw new Error(result);
    return result;
  };

  it.each<[string, Partial<OsvAdvisory>, NewAdvisory['packages']]>([
    ['no affected packages (nothing to match)', {}, []],
    ['an npm range', { affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] }] }, [{ ecosystem: 'npm', name: 'lodash' }]],
    [
      'PyPI names normalised per PEP 503, each once',
      {
        affected: [
          { package: { ecosystem: 'PyPI', name: 'Foo_Bar' }, versions: ['1.0'] },
          { package: { ecosystem: 'PyPI', name: 'foo.bar' }, versions: ['1.1'] },
        ],
      },
      [{ ecosystem: 'PyPI', name: 'foo-bar' }],
    ],
    [
      'a Debian advisory for two releases: one key per release',
      {
        affected: [
          { package: { ecosystem: 'Debian:11', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1.1w-0+deb11u1' }] }] },
          { package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }] },
        ],
      },
      [
        { ecosystem: 'Debian:11', name: 'openssl' },
        { ecosystem: 'Debian:12', name: 'openssl' },
      ],
    ],
    ['an entry with no package (GIT only) names nothing', { affected: [{ ranges: [{ type: 'GIT', repo: 'https://example.com/x.git', events: [{ introduced: 'abc' }] }] }] }, []],
    ['a withdrawn advisory is stored (it retracts earlier findings)', { withdrawn: '2024-04-01T00:00:00Z', affected: [{ package: { ecosystem: 'Go', name: 'example.com/m' }, versions: ['v1.0.0'] }] }, [{ ecosystem: 'Go', name: 'example.com/m' }]],
  ])('%s', (_, doc, packages) => {
    const advisory = parsed(doc);
    expect(advisory.packages).toEqual(packages);
    expect({ id: advisory.id, modified: advisory.modified }).toEqual(base);
  });

  it('keeps the document as imported, aliases, ranges and unknown fields included', () => {
    const doc = {
      ...base,
      aliases: ['CVE-2021-23337'],
      withdrawn: '2024-04-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }], database_specific: { source: 'x' } }],
      references: [{ type: 'ADVISORY', url: 'https://example.com/a' }],
      x_vendor: { anything: [1, 2] },
    };
    expect(JSON.parse(parsed(doc as Partial<OsvAdvisory>).document)).toEqual(doc);
  });
});
