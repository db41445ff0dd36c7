import { describe, expect, it } from 'vitest';
import { parseEcosystem, schemeFor, schemeNameFor } from '../../src/scanner/matchers/ecosystems.js';

describe('OSV ecosystems', () => {
  it('splits the release off the ecosystem name at the first colon', () => {
    expect(parseEcosystem('Debian:12')).toEqual({ ecosystem: 'Debian', release: '12' });
    expect(parseEcosystem('Debian')).toEqual({ ecosystem: 'Debian' });
    expect(parseEcosystem('Alpine:v3.19')).toEqual({ ecosystem: 'Alpine', release: 'v3.19' });
    expect(parseEcosystem('Ubuntu:22.04:LTS')).toEqual({ ecosystem: 'Ubuntu', release: '22.04:LTS' });
    expect(parseEcosystem('Ubuntu:Pro:18.04:LTS')).toEqual({ ecosystem: 'Ubuntu', release: 'Pro:18.04:LTS' });
    expect(parseEcosystem('Red Hat:enterprise_linux:9::appstream')).toEqual({ ecosystem: 'Red Hat', release: 'enterprise_linux:9::appstream' });
    expect(parseEcosystem('Maven:https://maven.google.com')).toEqual({ ecosystem: 'Maven', release: 'https://maven.google.com' });
    expect(parseEcosystem('Rocky Linux:9')).toEqual({ ecosystem: 'Rocky Linux', release: '9' });
    expect(parseEcosystem('npm')).toEqual({ ecosystem: 'npm' });
    expect(parseEcosystem('Debian:')).toEqual({ ecosystem: 'Debian' });
  });

  it('maps every ecosystem we can order to its version scheme', () => {
    const cases: Record<string, string> = {
      Debian: 'dpkg',
      'Debian:12': 'dpkg',
      'Ubuntu:22.04:LTS': 'dpkg',
      Alpine: 'apk',
      'Alpine:v3.19': 'apk',
      Wolfi: 'apk',
      Chainguard: 'apk',
      'Red Hat:enterprise_linux:9::baseos': 'rpm',
      AlmaLinux: 'rpm',
      'AlmaLinux:9': 'rpm',
      'Rocky Linux:8': 'rpm',
      'openSUSE:Leap 15.5': 'rpm',
      'SUSE:Linux Enterprise Server 15 SP5': 'rpm',
      'Photon OS:5.0': 'rpm',
      'Mageia:9': 'rpm',
      npm: 'semver',
      'crates.io': 'semver',
      Hex: 'semver',
      Pub: 'semver',
      Go: 'go',
      PyPI: 'pep440',
      Maven: 'maven',
      'Maven:https://maven.google.com': 'maven',
      RubyGems: 'rubygems',
      NuGet: 'nuget',
      Packagist: 'composer',
      'Packagist:https://packages.drupal.org/8': 'composer',
    };
    const got = Object.fromEntries(Object.keys(cases).map((e) => [e, schemeNameFor(e)]));
    expect(got).toEqual(cases);
  });

  it('has no scheme for ecosystems versioned by commits or with no known ordering', () => {
    for (const e of ['GIT', 'Linux', 'OSS-Fuzz', 'Android', 'CRAN', 'Hackage', 'debian', 'constructor', 'toString', '']) {
      expect(schemeFor(e), e).toBeUndefined();
    }
  });

  it('hands back a working comparator for each scheme', () => {
    expect(schemeFor('Debian:12')?.compare('1.0~rc1', '1.0')).toBe(-1);
    expect(schemeFor('Alpine:v3.19')?.compare('1.0_rc1', '1.0')).toBe(-1);
    expect(schemeFor('Red Hat')?.compare('1.0~rc1', '1.0')).toBe(-1);
    expect(schemeFor('npm')?.compare('1.0.0-rc.1', '1.0.0')).toBe(-1);
    expect(schemeFor('Go')?.compare('v1.0.0-rc.1', '1.0.0')).toBe(-1);
    expect(schemeFor('PyPI')?.compare('1.0rc1', '1.0')).toBe(-1);
    expect(schemeFor('Maven')?.compare('1.0-RC1', '1.0')).toBe(-1);
    expect(schemeFor('RubyGems')?.compare('1.0.rc1', '1.0')).toBe(-1);
    expect(schemeFor('NuGet')?.compare('1.0.0-rc1', '1.0')).toBe(-1);
    expect(schemeFor('Packagist')?.compare('1.0.0-RC1', '1.0')).toBe(-1);
    expect(schemeFor('PyPI')?.isValid('1.0.post1')).toBe(true);
    expect(schemeFor('Debian')?.isValid('x:1')).toBe(false);
  });
});
