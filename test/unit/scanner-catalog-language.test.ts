import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Cataloger } from '../../src/scanner/catalogers/cataloger.js';
import { composerCataloger } from '../../src/scanner/catalogers/composer.js';
import { dotnetCataloger } from '../../src/scanner/catalogers/dotnet.js';
import { analyzeJavaArchive, javaCataloger } from '../../src/scanner/catalogers/java.js';
import { npmCataloger } from '../../src/scanner/catalogers/npm.js';
import { pythonCataloger } from '../../src/scanner/catalogers/python.js';
import { rubyCataloger } from '../../src/scanner/catalogers/ruby.js';
import { catalogImage } from '../../src/scanner/layers.js';
import { schemeNameFor } from '../../src/scanner/matchers/ecosystems.js';
import type { Sbom } from '../../src/scanner/sbom.js';
import { readZipEntries, ZipError } from '../../src/scanner/zip.js';
import { missingTools } from '../helpers/tools.js';
import { layer, pomProperties, type TarItem, zip } from './scanner-catalog-support.js';

async function catalog(items: readonly TarItem[], catalogers: readonly Cataloger[]): Promise<Sbom> {
  return catalogImage([await layer(items)], catalogers, { imageDigest: 'sha256:lang' });
}

const rows = (sbom: Sbom): string[] => sbom.packages.map((p) => `${p.name} ${p.version} ${p.purl} ${p.locations.join(',')}`);

describe('language ecosystems', () => {
  it('are ones the matchers have a version scheme for', () => {
    const ecosystems = { npm: 'semver', PyPI: 'pep440', Maven: 'maven', Go: 'go', 'crates.io': 'semver', RubyGems: 'rubygems', Packagist: 'composer', NuGet: 'nuget' };
    for (const [ecosystem, scheme] of Object.entries(ecosystems)) expect(schemeNameFor(ecosystem)).toBe(scheme);
  });
});

describe('npm', () => {
  it('finds packages in nested and scoped node_modules, one package per name and version', async () => {
    const pj = (name: string, version: string): string => JSON.stringify({ name, version, description: 'x'.repeat(500) });
    const sbom = await catalog(
      [
        { path: 'app/package.json', content: pj('my-app', '1.0.0') }, // the application itself is not in node_modules
        { path: 'app/node_modules/express/package.json', content: pj('express', '4.18.2') },
        { path: 'app/node_modules/express/node_modules/debug/package.json', content: pj('debug', '2.6.9') },
        { path: 'app/node_modules/debug/package.json', content: pj('debug', '4.3.4') },
        { path: 'app/node_modules/@babel/core/package.json', content: pj('@babel/core', '7.23.9') },
        { path: 'app/node_modules/@babel/core/node_modules/semver/package.json', content: pj('semver', '6.3.1') },
        { path: 'app/node_modules/express/lib/package.json', content: pj('not-a-package', '0.0.1') },
        { path: 'app/node_modules/.package-lock.json', content: '{}' },
        { path: 'srv/node_modules/debug/package.json', content: pj('debug', '4.3.4') },
        { path: 'app/node_modules/broken/package.json', content: '{"name": "broken",' },
      ],
      [npmCataloger],
    );
    expect(rows(sbom)).toEqual([
      '@babel/core 7.23.9 pkg:npm/%40babel/core@7.23.9 /app/node_modules/@babel/core/package.json',
      'debug 2.6.9 pkg:npm/debug@2.6.9 /app/node_modules/express/node_modules/debug/package.json',
      'debug 4.3.4 pkg:npm/debug@4.3.4 /app/node_modules/debug/package.json,/srv/node_modules/debug/package.json',
      'express 4.18.2 pkg:npm/express@4.18.2 /app/node_modules/express/package.json',
      'semver 6.3.1 pkg:npm/semver@6.3.1 /app/node_modules/@babel/core/node_modules/semver/package.json',
    ]);
    expect(sbom.packages.every((p) => p.ecosystem === 'npm' && p.packageManager === 'NPM' && p.type === 'language')).toBe(true);
  });
});

describe('python', () => {
  it('reads dist-info METADATA, egg-info PKG-INFO and single-file egg-info, with PEP 503 names', async () => {
    const sbom = await catalog(
      [
        { path: 'usr/local/lib/python3.12/site-packages/Flask_SQLAlchemy-3.1.1.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: Flask_SQLAlchemy\nVersion: 3.1.1\nSummary: x\n\nName: not-this\n' },
        { path: 'usr/local/lib/python3.12/site-packages/requests-2.31.0.dist-info/METADATA', content: 'Metadata-Version: 2.1\r\nName: requests\r\nVersion: 2.31.0\r\n' },
        { path: 'opt/venv/lib/python3.11/site-packages/zope.interface-6.1-py3.11.egg-info/PKG-INFO', content: 'Metadata-Version: 2.1\nName: zope.interface\nVersion: 6.1\n' },
        { path: 'usr/lib/python3/dist-packages/PyYAML-6.0.egg-info', content: 'Metadata-Version: 1.1\nName: PyYAML\nVersion: 6.0\n' },
        { path: 'usr/local/lib/python3.12/site-packages/requests-2.31.0.dist-info/RECORD', content: 'x' },
      ],
      [pythonCataloger],
    );
    expect(rows(sbom)).toEqual([
      'flask-sqlalchemy 3.1.1 pkg:pypi/flask-sqlalchemy@3.1.1 /usr/local/lib/python3.12/site-packages/Flask_SQLAlchemy-3.1.1.dist-info/METADATA',
      'pyyaml 6.0 pkg:pypi/pyyaml@6.0 /usr/lib/python3/dist-packages/PyYAML-6.0.egg-info',
      'requests 2.31.0 pkg:pypi/requests@2.31.0 /usr/local/lib/python3.12/site-packages/requests-2.31.0.dist-info/METADATA',
      'zope-interface 6.1 pkg:pypi/zope-interface@6.1 /opt/venv/lib/python3.11/site-packages/zope.interface-6.1-py3.11.egg-info/PKG-INFO',
    ]);
    expect(sbom.packages.every((p) => p.ecosystem === 'PyPI' && p.packageManager === 'PYTHONPKG')).toBe(true);
  });
});

describe('java', () => {
  const manifest = (fields: Record<string, string>): { name: string; content: string } => ({
    name: 'META-INF/MANIFEST.MF',
    content: `Manifest-Version: 1.0\r\n${Object.entries(fields).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`,
  });
  const jackson = zip([manifest({ 'Bundle-SymbolicName': 'com.fasterxml.jackson.core.jackson-databind' }), pomProperties('com.fasterxml.jackson.core', 'jackson-databind', '2.15.2')]);
  const log4j = zip([pomProperties('org.apache.logging.log4j', 'log4j-core', '2.14.1'), { name: 'org/apache/logging/log4j/core/Logger.class', content: Buffer.alloc(300, 1) }]);
  const manifestOnly = zip([manifest({ 'Implementation-Title': 'Legacy Lib', 'Implementation-Version': '0.9', 'Implementation-Vendor-Id': 'com.example' })]);
  const nameOnly = zip([{ name: 'a/B.class', content: 'x' }]);
  const osgi = zip([manifest({ 'Bundle-SymbolicName': 'org.apache.commons.commons-text;singleton:=true', 'Bundle-Version': '1.9.0' })]);

  it('reads pom.properties, the manifest, the file name, and archives nested in a war', async () => {
    const war = zip([
      manifest({ 'Implementation-Title': 'shop' }),
      pomProperties('com.example', 'shop', '1.4.0'),
      { name: 'WEB-INF/lib/jackson-databind-2.15.2.jar', content: jackson, store: true },
      { name: 'WEB-INF/lib/log4j-core-2.14.1.jar', content: log4j },
      { name: 'WEB-INF/lib/legacy.jar', content: manifestOnly },
      { name: 'WEB-INF/lib/unnamed-1.0.3.jar', content: nameOnly },
      { name: 'WEB-INF/lib/commons-text.jar', content: osgi },
    ]);
    const sbom = await catalog([{ path: 'usr/local/tomcat/webapps/shop.war', content: war }], [javaCataloger]);
    expect(rows(sbom)).toEqual([
      'com.example:legacy 0.9 pkg:maven/com.example/legacy@0.9 /usr/local/tomcat/webapps/shop.war!/WEB-INF/lib/legacy.jar',
      'com.example:shop 1.4.0 pkg:maven/com.example/shop@1.4.0 /usr/local/tomcat/webapps/shop.war',
      'com.fasterxml.jackson.core:jackson-databind 2.15.2 pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.2 /usr/local/tomcat/webapps/shop.war!/WEB-INF/lib/jackson-databind-2.15.2.jar',
      'org.apache.commons:commons-text 1.9.0 pkg:maven/org.apache.commons/commons-text@1.9.0 /usr/local/tomcat/webapps/shop.war!/WEB-INF/lib/commons-text.jar',
      'org.apache.logging.log4j:log4j-core 2.14.1 pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1 /usr/local/tomcat/webapps/shop.war!/WEB-INF/lib/log4j-core-2.14.1.jar',
      'unnamed 1.0.3 pkg:maven/unnamed@1.0.3 /usr/local/tomcat/webapps/shop.war!/WEB-INF/lib/unnamed-1.0.3.jar',
    ]);
    expect(sbom.packages.every((p) => p.ecosystem === 'Maven' && p.packageManager === 'JAR')).toBe(true);
    expect(sbom.notes).toEqual([]);
  });

  it('reads a jar with a launch script prepended (Spring Boot executable jars)', () => {
    const jar = zip([pomProperties('org.springframework.boot', 'spring-boot', '3.2.1')], Buffer.from('#!/bin/bash\nexec java -jar "$0" "$@"\n'));
    expect(analyzeJavaArchive('/app.jar', jar).artifacts).toEqual([
      { groupId: 'org.springframework.boot', artifactId: 'spring-boot', version: '3.2.1', location: '/app.jar' },
    ]);
  });

  it('stops at the nesting limit and refuses zip64 and non-zip files with notes', async () => {
    const deep = zip([{ name: 'lib/l1.jar', content: zip([{ name: 'lib/l2.jar', content: zip([{ name: 'lib/l3.jar', content: jackson }]) }]) }]);
    const r = analyzeJavaArchive('/deep.ear', deep);
    expect(r.notes).toEqual(['java: /deep.ear!/lib/l1.jar!/lib/l2.jar!/lib/l3.jar: nested deeper than 3 archives; not read']);

    const z64 = Buffer.from(zip([{ name: 'a', content: 'b' }]));
    z64.writeUInt16LE(0xffff, z64.length - 22 + 10);
    expect(() => readZipEntries(z64)).toThrow(new ZipError('zip64 archives are not supported'));

    const sbom = await catalog([{ path: 'opt/app/not-a-zip-1.0.jar', content: 'plain text, long enough to be searched for a zip end record' }], [javaCataloger]);
    expect(sbom.packages).toEqual([]);
    expect(sbom.notes).toEqual(['java: /opt/app/not-a-zip-1.0.jar: not a zip archive (no end of central directory)']);
  });

  const noZip = missingTools(['zip']).length > 0;
  if (noZip) console.warn('\n!!! SKIPPING the java cross-check with the system zip: zip is not on PATH\n');
  it.skipIf(noZip)('reads jars written by the system zip tool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-jar-test-'));
    try {
      const pom = pomProperties('org.yaml', 'snakeyaml', '1.33');
      mkdirSync(join(dir, dirname(pom.name)), { recursive: true });
      writeFileSync(join(dir, pom.name), pom.content);
      writeFileSync(join(dir, 'Big.class'), Buffer.alloc(100_000, 7));
      execFileSync('zip', ['-q', '-r', 'snakeyaml.jar', 'META-INF', 'Big.class'], { cwd: dir });
      const sbom = await catalog([{ path: 'app/lib/snakeyaml.jar', content: readFileSync(join(dir, 'snakeyaml.jar')) }], [javaCataloger]);
      expect(rows(sbom)).toEqual(['org.yaml:snakeyaml 1.33 pkg:maven/org.yaml/snakeyaml@1.33 /app/lib/snakeyaml.jar']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ruby, composer, dotnet', () => {
  it('reads installed gemspecs', async () => {
    const spec = (name: string, version: string): string =>
      `# -*- encoding: utf-8 -*-\n# stub: ${name} ${version} ruby lib\n\nGem::Specification.new do |s|\n  s.name = "${name}".freeze\n  s.version = "${version}"\n  s.summary = "x".freeze\nend\n`;
    const sbom = await catalog(
      [
        { path: 'usr/local/bundle/specifications/rack-2.2.8.gemspec', content: spec('rack', '2.2.8') },
        { path: 'usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec', content: spec('json', '2.6.1') },
        { path: 'usr/lib/ruby/gems/3.1.0/specifications/nokogiri-1.15.5-x86_64-linux.gemspec', content: "Gem::Specification.new do |spec|\n  spec.name = 'nokogiri'\n  spec.version = '1.15.5'\nend\n" },
      ],
      [rubyCataloger],
    );
    expect(rows(sbom)).toEqual([
      'nokogiri 1.15.5 pkg:gem/nokogiri@1.15.5 /usr/lib/ruby/gems/3.1.0/specifications/nokogiri-1.15.5-x86_64-linux.gemspec',
      'rack 2.2.8 pkg:gem/rack@2.2.8 /usr/local/bundle/specifications/rack-2.2.8.gemspec',
    ]);
    // default gems live one level down and are not matched by `specifications/*.gemspec`
    expect(rubyCataloger.wants('/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec')).toBe(false);
  });

  it('reads Composer 1 and Composer 2 installed.json', async () => {
    const v1 = JSON.stringify([{ name: 'monolog/monolog', version: '1.27.1', version_normalized: '1.27.1.0' }]);
    const v2 = JSON.stringify({
      packages: [
        { name: 'guzzlehttp/guzzle', version: '7.8.1', version_normalized: '7.8.1.0' },
        { name: 'symfony/http-foundation', version: 'v6.4.2' },
      ],
      dev: true,
      'dev-package-names': [],
    });
    const sbom = await catalog(
      [
        { path: 'var/www/old/vendor/composer/installed.json', content: v1 },
        { path: 'var/www/html/vendor/composer/installed.json', content: v2 },
      ],
      [composerCataloger],
    );
    expect(rows(sbom)).toEqual([
      'guzzlehttp/guzzle 7.8.1 pkg:composer/guzzlehttp/guzzle@7.8.1 /var/www/html/vendor/composer/installed.json',
      'monolog/monolog 1.27.1 pkg:composer/monolog/monolog@1.27.1 /var/www/old/vendor/composer/installed.json',
      'symfony/http-foundation v6.4.2 pkg:composer/symfony/http-foundation@v6.4.2 /var/www/html/vendor/composer/installed.json',
    ]);
    expect(sbom.packages.every((p) => p.ecosystem === 'Packagist' && p.packageManager === 'COMPOSER')).toBe(true);
  });

  it('reads package libraries from deps.json', async () => {
    const deps = {
      runtimeTarget: { name: '.NETCoreApp,Version=v8.0' },
      targets: {},
      libraries: {
        'MyApp/1.0.0': { type: 'project', serviceable: false, sha512: '' },
        'Newtonsoft.Json/13.0.1': { type: 'package', serviceable: true, sha512: 'sha512-x', path: 'newtonsoft.json/13.0.1' },
        'System.Text.Encodings.Web/4.5.0': { type: 'package', serviceable: true },
        'Microsoft.AspNetCore.App.Ref/8.0.0': { type: 'reference' },
      },
    };
    const sbom = await catalog([{ path: 'app/MyApp.deps.json', content: `\uFEFF${JSON.stringify(deps)}` }], [dotnetCataloger]);
    expect(rows(sbom)).toEqual([
      'Newtonsoft.Json 13.0.1 pkg:nuget/Newtonsoft.Json@13.0.1 /app/MyApp.deps.json',
      'System.Text.Encodings.Web 4.5.0 pkg:nuget/System.Text.Encodings.Web@4.5.0 /app/MyApp.deps.json',
    ]);
    expect(sbom.packages.every((p) => p.ecosystem === 'NuGet' && p.packageManager === 'NUGET')).toBe(true);
  });
});

