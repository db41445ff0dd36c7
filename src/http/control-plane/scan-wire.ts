import type { Finding } from '../../scanner/match.js';
import type { ImageScan } from '../../storage/metadata/metadata-store.js';
import { epochSeconds } from './action.js';

/**
 * ECR's scan shapes from stored scans: ImageScanStatus, ImageScanFindingsSummary, basic
 * ImageScanFinding and enhanced EnhancedImageScanFinding (Amazon Inspector's package
 * vulnerability shape).
 */

export function imageScanStatusWire(scan: ImageScan, continuous: boolean): { status: string; description?: string } {
  // Enhanced scanning reports an image under continuous scanning as ACTIVE once scanned.
  if (scan.status === 'COMPLETE' && scan.scanType === 'ENHANCED' && continuous) return { status: 'ACTIVE', description: 'Continuous scan is selected for image.' };
  return { status: scan.status, ...(scan.description !== undefined ? { description: scan.description } : {}) };
}

export function findingsSummaryWire(scan: ImageScan): Record<string, unknown> | undefined {
  if (scan.completedAt === undefined) return undefined;
  return {
    imageScanCompletedAt: epochSeconds(scan.completedAt),
    ...(scan.sourceUpdatedAt ? { vulnerabilitySourceUpdatedAt: epochSeconds(scan.sourceUpdatedAt) } : {}),
    findingSeverityCounts: scan.severityCounts ?? {},
  };
}

export function basicFindingWire(f: Finding): Record<string, unknown> {
  const attributes = [
    { key: 'package_version', value: f.package.version },
    { key: 'package_name', value: f.package.name },
  ];
  if (f.cvss) {
    const v = f.cvss.version === '2.0' ? 'CVSS2' : f.cvss.version === '4.0' ? 'CVSS4' : 'CVSS3';
    attributes.push({ key: `${v}_VECTOR`, value: f.cvss.vector }, { key: `${v}_SCORE`, value: String(f.cvss.score) });
  }
  return {
    name: f.vulnerabilityId,
    ...(f.description ?? f.summary ? { description: f.description ?? f.summary } : {}),
    uri: f.uri,
    severity: f.severity,
    attributes,
  };
}

/** dpkg/rpm `epoch:upstream-release` split as Inspector reports vulnerable packages. */
function splitVersion(f: Finding): { epoch: number; version: string; release?: string } {
  if (f.package.type !== 'os') return { epoch: 0, version: f.package.version };
  const m = /^(?:(\d+):)?(.+?)(?:-([^-]+))?$/.exec(f.package.version);
  if (!m) return { epoch: 0, version: f.package.version };
  return { epoch: Number(m[1] ?? 0), version: m[2]!, ...(m[3] !== undefined ? { release: m[3] } : {}) };
}

export interface EnhancedContext {
  readonly accountId: string;
  readonly region: string;
  readonly repositoryName: string;
  readonly imageDigest: string;
  readonly imageTags: readonly string[];
  readonly pushedAt?: Date | undefined;
  readonly observedAt: Date;
}

export function enhancedFindingWire(f: Finding, c: EnhancedContext): Record<string, unknown> {
  const resourceId = `arn:aws:ecr:${c.region}:${c.accountId}:repository/${c.repositoryName}/${c.imageDigest}`;
  const fixAvailable = f.fixedInVersion !== undefined ? 'YES' : 'NO';
  const cvss = f.cvss ? [{ baseScore: f.cvss.score, scoringVector: f.cvss.vector, source: 'OSV', version: f.cvss.version }] : [];
  return {
    awsAccountId: c.accountId,
    description: f.description ?? f.summary ?? '',
    findingArn: `arn:aws:inspector2:${c.region}:${c.accountId}:finding/${Buffer.from(`${resourceId} ${f.vulnerabilityId} ${f.package.purl}`).toString('base64url').slice(0, 64)}`,
    firstObservedAt: epochSeconds(c.observedAt),
    lastObservedAt: epochSeconds(c.observedAt),
    packageVulnerabilityDetails: {
      cvss,
      referenceUrls: f.references,
      relatedVulnerabilities: f.aliases,
      source: 'OSV',
      sourceUrl: f.uri,
      ...(f.publishedAt ? { vendorCreatedAt: Date.parse(f.publishedAt) / 1000 } : {}),
      vendorSeverity: f.vendorSeverity ?? f.severity,
      vendorUpdatedAt: Date.parse(f.modifiedAt) / 1000,
      vulnerabilityId: f.vulnerabilityId,
      vulnerablePackages: [
        {
          name: f.package.name,
          ...splitVersion(f),
          packageManager: f.package.packageManager,
          ...(f.package.locations[0] !== undefined && f.package.type === 'language' ? { filePath: f.package.locations[0] } : {}),
          ...(f.fixedInVersion !== undefined ? { fixedInVersion: f.fixedInVersion } : {}),
        },
      ],
    },
    remediation: { recommendation: { text: f.fixedInVersion !== undefined ? `Upgrade ${f.package.name} to ${f.fixedInVersion} or later.` : 'None provided' } },
    resources: [
      {
        details: {
          awsEcrContainerImage: {
            imageHash: c.imageDigest,
            ...(c.imageTags.length > 0 ? { imageTags: c.imageTags } : {}),
            ...(c.pushedAt ? { pushedAt: epochSeconds(c.pushedAt) } : {}),
            registry: c.accountId,
            repositoryName: c.repositoryName,
          },
        },
        id: resourceId,
        type: 'AWS_ECR_CONTAINER_IMAGE',
      },
    ],
    ...(f.cvss ? { score: f.cvss.score, scoreDetails: { cvss: { score: f.cvss.score, scoreSource: 'OSV', scoringVector: f.cvss.vector, version: f.cvss.version, adjustments: [] } } } : {}),
    severity: f.severity,
    status: 'ACTIVE',
    title: `${f.vulnerabilityId} - ${f.package.name}`,
    type: 'PACKAGE_VULNERABILITY',
    updatedAt: epochSeconds(c.observedAt),
    fixAvailable,
  };
}
