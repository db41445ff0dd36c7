import type { ScanType } from '../storage/metadata/metadata-store.js';

/**
 * ECR's registry scanning configuration (PutRegistryScanningConfiguration) and what it means for
 * one repository, pure. Filters follow ECR's user guide ("Filters to choose which repositories are
 * scanned"): a filter without `*` matches every repository name that contains it; with `*`, the
 * whole name must match, each `*` standing for zero or more characters. Where a CONTINUOUS_SCAN
 * rule and a SCAN_ON_PUSH rule both match, continuous scanning wins. Under BASIC, a repository's
 * own `scanOnPush` setting also scans on push.
 */

export type ScanFrequency = 'SCAN_ON_PUSH' | 'CONTINUOUS_SCAN' | 'MANUAL';

export interface ScanningRepositoryFilter {
  readonly filter: string;
  readonly filterType: 'WILDCARD';
}

export interface ScanningRule {
  readonly scanFrequency: ScanFrequency;
  readonly repositoryFilters: readonly ScanningRepositoryFilter[];
}

export interface RegistryScanningConfiguration {
  readonly scanType: ScanType;
  readonly rules: readonly ScanningRule[];
}

/** The registry document key under which the configuration is stored. */
export const SCANNING_CONFIGURATION_KEY = 'scanningConfiguration';

export const DEFAULT_SCANNING_CONFIGURATION: RegistryScanningConfiguration = Object.freeze({ scanType: 'BASIC' as const, rules: [] });

export function parseScanningConfiguration(text: string | undefined): RegistryScanningConfiguration {
  return text === undefined ? DEFAULT_SCANNING_CONFIGURATION : (JSON.parse(text) as RegistryScanningConfiguration);
}

export function filterMatches(filter: string, repositoryName: string): boolean {
  if (!filter.includes('*')) return repositoryName.includes(filter);
  const pattern = filter.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`).test(repositoryName);
}

export interface RepositoryScanning {
  readonly scanFrequency: ScanFrequency;
  /** The filters of the deciding rule that matched the repository. */
  readonly appliedScanFilters: readonly ScanningRepositoryFilter[];
  readonly scanOnPush: boolean;
}

export function repositoryScanning(config: RegistryScanningConfiguration, repositoryName: string, repositoryScanOnPush: boolean): RepositoryScanning {
  const matching = (frequency: ScanFrequency) =>
    config.rules.filter((r) => r.scanFrequency === frequency).flatMap((r) => r.repositoryFilters.filter((f) => filterMatches(f.filter, repositoryName)));
  const continuous = matching('CONTINUOUS_SCAN');
  if (continuous.length > 0) return { scanFrequency: 'CONTINUOUS_SCAN', appliedScanFilters: continuous, scanOnPush: true };
  const onPush = matching('SCAN_ON_PUSH');
  if (onPush.length > 0) return { scanFrequency: 'SCAN_ON_PUSH', appliedScanFilters: onPush, scanOnPush: true };
  if (config.scanType === 'BASIC' && repositoryScanOnPush) return { scanFrequency: 'SCAN_ON_PUSH', appliedScanFilters: [], scanOnPush: true };
  return { scanFrequency: 'MANUAL', appliedScanFilters: [], scanOnPush: repositoryScanOnPush };
}
