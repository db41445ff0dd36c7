/**
 * The subset of the OSV schema (https://ossf.github.io/osv-schema/, 1.6) the scanner reads.
 * Field names are OSV's own; everything the matcher does not need is left out or `unknown`.
 */

export interface OsvAdvisory {
  readonly schema_version?: string;
  readonly id: string;
  readonly aliases?: readonly string[];
  readonly related?: readonly string[];
  readonly summary?: string;
  readonly details?: string;
  /** RFC 3339 timestamps. */
  readonly modified: string;
  readonly published?: string;
  readonly withdrawn?: string;
  readonly severity?: readonly OsvSeverity[];
  readonly affected?: readonly OsvAffected[];
  readonly references?: readonly OsvReference[];
  readonly database_specific?: Readonly<Record<string, unknown>>;
}

export type OsvSeverityType = 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu' | (string & {});

export interface OsvSeverity {
  readonly type: OsvSeverityType;
  /** A CVSS vector for the CVSS types; a word (`low`, `medium`, `high`…) for `Ubuntu`. */
  readonly score: string;
}

export interface OsvPackage {
  /** `Debian:12`, `Alpine:v3.19`, `npm`, `PyPI`… */
  readonly ecosystem: string;
  readonly name: string;
  readonly purl?: string;
}

export type OsvRangeType = 'ECOSYSTEM' | 'SEMVER' | 'GIT';

/** Exactly one of the fields is set in a well-formed event. */
export interface OsvEvent {
  readonly introduced?: string;
  readonly fixed?: string;
  readonly last_affected?: string;
  readonly limit?: string;
}

export interface OsvRange {
  readonly type: OsvRangeType | (string & {});
  readonly repo?: string;
  readonly events: readonly OsvEvent[];
  readonly database_specific?: Readonly<Record<string, unknown>>;
}

export interface OsvAffected {
  readonly package?: OsvPackage;
  readonly severity?: readonly OsvSeverity[];
  readonly ranges?: readonly OsvRange[];
  readonly versions?: readonly string[];
  readonly ecosystem_specific?: Readonly<Record<string, unknown>>;
  readonly database_specific?: Readonly<Record<string, unknown>>;
}

export interface OsvReference {
  readonly type: string;
  readonly url: string;
}
