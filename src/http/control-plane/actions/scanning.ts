import { Type } from '@sinclair/typebox';
import { RegistryError } from '../../../errors/registry-error.js';
import type { Finding } from '../../../scanner/match.js';
import { enqueueScan, registryScanningConfiguration, scannableLayers } from '../../../scanner/scan-queue.js';
import { repositoryScanning, SCANNING_CONFIGURATION_KEY, type RegistryScanningConfiguration } from '../../../scanner/scanning-config.js';
import { defineAction } from '../action.js';
import { DEFAULT_MAX_RESULTS, MaxResultsSchema } from '../paging.js';
import { findRepository, registryIdOf, RegistryIdSchema, RepositoryNameSchema, repositoryOf } from '../ecr-inputs.js';
import { ImageIdentifierSchema, resolveImageId, wireImageId } from '../image-ids.js';
import { decodeListingCursor, encodeNextToken } from '../pagination.js';
import { basicFindingWire, enhancedFindingWire, findingsSummaryWire, imageScanStatusWire } from '../scan-wire.js';

/** ECR allows one manual scan per image per 24 hours. */
const MANUAL_SCAN_INTERVAL_MS = 24 * 3600 * 1000;


const ImageInput = Type.Object(
  { registryId: Type.Optional(RegistryIdSchema), repositoryName: RepositoryNameSchema, imageId: ImageIdentifierSchema },
  { additionalProperties: false },
);

/**
 * StartImageScan: a manual basic scan, at most once per image per 24 hours. Under ENHANCED
 * scanning ECR takes no manual scans (its user guide; the API reference calls this "a basic
 * image vulnerability scan") and answers ValidationException "This feature is disabled".
 */
export const startImageScan = defineAction({
  name: 'StartImageScan',
  iamAction: 'ecr:StartImageScan',
  input: ImageInput,
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    const image = await resolveImageId(context, repository, input.imageId);
    await context.services.metadata.write(async (tx) => {
      if ((await registryScanningConfiguration(tx)).scanType === 'ENHANCED') throw new RegistryError('VALIDATION', 'This feature is disabled');
      const now = context.services.clock.now();
      const manifest = await tx.manifests.get(repository.id, image.digest);
      if (!manifest || 'unsupported' in scannableLayers(manifest.mediaType, manifest.content)) {
        throw new RegistryError('UNSUPPORTED_IMAGE_TYPE', 'The image type is not supported. Only image manifests with an image config can be scanned.');
      }
      const last = (await tx.scans.get(repository.id, image.digest))?.lastManualScanAt;
      if (last !== undefined && now.getTime() - last.getTime() < MANUAL_SCAN_INTERVAL_MS) {
        throw new RegistryError('LIMIT_EXCEEDED', 'The scan quota per image has been exceeded. Wait and try again.');
      }
      await enqueueScan(tx, { repositoryId: repository.id, digest: image.digest }, now, { manual: true });
    });
    return {
      registryId: registryIdOf(context),
      repositoryName: repository.name,
      imageId: wireImageId({ imageDigest: image.digest, imageTag: image.tag }),
      imageScanStatus: { status: 'IN_PROGRESS' },
    };
  },
});

const DescribeFindingsInput = Type.Object(
  {
    registryId: Type.Optional(RegistryIdSchema),
    repositoryName: RepositoryNameSchema,
    imageId: ImageIdentifierSchema,
    nextToken: Type.Optional(Type.String()),
    maxResults: Type.Optional(MaxResultsSchema),
  },
  { additionalProperties: false },
);

/** DescribeImageScanFindings: the findings of the image's last scan, basic or enhanced by how it ran, paged. */
export const describeImageScanFindings = defineAction({
  name: 'DescribeImageScanFindings',
  iamAction: 'ecr:DescribeImageScanFindings',
  input: DescribeFindingsInput,
  resource: repositoryOf,
  async handle(input, context) {
    const repository = await findRepository(context, input);
    const image = await resolveImageId(context, repository, input.imageId);
    const { scan, summary, config } = await context.services.metadata.read(async (tx) => ({
      scan: await tx.scans.get(repository.id, image.digest),
      summary: await tx.manifests.getImage(repository.id, image.digest),
      config: await registryScanningConfiguration(tx),
    }));
    if (!scan) {
      throw new RegistryError(
        'SCAN_NOT_FOUND',
        `Image scan does not exist for the image with '{imageDigest:'${input.imageId.imageDigest ?? 'null'}', imageTag:'${input.imageId.imageTag ?? 'null'}'}' ` +
          `in the repository with name '${repository.name}' in the registry with id '${registryIdOf(context)}'`,
      );
    }
    const continuous = repositoryScanning(config, repository.name, repository.settings.scanOnPush).scanFrequency === 'CONTINUOUS_SCAN';
    const base = {
      registryId: registryIdOf(context),
      repositoryName: repository.name,
      imageId: wireImageId({ imageDigest: image.digest, imageTag: image.tag }),
      imageScanStatus: imageScanStatusWire(scan, continuous),
    };
    const summaryWire = findingsSummaryWire(scan);
    if (!summaryWire || scan.findings === undefined) return base;
    const findings = JSON.parse(scan.findings) as Finding[];
    const start = input.nextToken === undefined ? 0 : Number(decodeListingCursor('DescribeImageScanFindings', input.nextToken).after);
    const limit = input.maxResults ?? DEFAULT_MAX_RESULTS;
    const page = findings.slice(start, start + limit);
    const more = start + limit < findings.length;
    const { accountId, region } = context.services.config;
    const items =
      scan.scanType === 'ENHANCED'
        ? {
            enhancedFindings: page.map((f) =>
              enhancedFindingWire(f, {
                accountId,
                region,
                repositoryName: repository.name,
                imageDigest: image.digest,
                imageTags: summary?.tags ?? [],
                pushedAt: summary?.pushedAt,
                observedAt: scan.completedAt!,
              }),
            ),
          }
        : { findings: page.map(basicFindingWire) };
    return {
      ...base,
      imageScanFindings: { ...summaryWire, ...items },
      ...(more ? { nextToken: encodeNextToken({ listing: 'DescribeImageScanFindings', after: String(start + limit) }) } : {}),
    };
  },
});

const FilterSchema = Type.Object(
  { filter: Type.String({ minLength: 1, maxLength: 255, pattern: '^[a-z0-9*](?:[._\\-/a-z0-9*]?[a-z0-9*]+)*$' }), filterType: Type.Literal('WILDCARD') },
  { additionalProperties: false },
);
const RuleSchema = Type.Object(
  {
    scanFrequency: Type.Union([Type.Literal('SCAN_ON_PUSH'), Type.Literal('CONTINUOUS_SCAN'), Type.Literal('MANUAL')]),
    repositoryFilters: Type.Array(FilterSchema, { minItems: 0, maxItems: 100 }),
  },
  { additionalProperties: false },
);

function configurationWire(config: RegistryScanningConfiguration) {
  return { scanType: config.scanType, rules: config.rules.map((r) => ({ scanFrequency: r.scanFrequency, repositoryFilters: r.repositoryFilters })) };
}

/** PutRegistryScanningConfiguration: BASIC or ENHANCED, with rules of WILDCARD repository filters. */
export const putRegistryScanningConfiguration = defineAction({
  name: 'PutRegistryScanningConfiguration',
  iamAction: 'ecr:PutRegistryScanningConfiguration',
  input: Type.Object(
    {
      scanType: Type.Optional(Type.Union([Type.Literal('BASIC'), Type.Literal('ENHANCED')])),
      rules: Type.Optional(Type.Array(RuleSchema, { minItems: 0, maxItems: 2 })),
    },
    { additionalProperties: false },
  ),
  resource: () => undefined,
  async handle(input, context) {
    const config: RegistryScanningConfiguration = { scanType: input.scanType ?? 'BASIC', rules: input.rules ?? [] };
    await context.services.metadata.write((tx) => tx.registry.set(SCANNING_CONFIGURATION_KEY, JSON.stringify(config), context.services.clock.now()));
    return { registryScanningConfiguration: configurationWire(config) };
  },
});

export const getRegistryScanningConfiguration = defineAction({
  name: 'GetRegistryScanningConfiguration',
  iamAction: 'ecr:GetRegistryScanningConfiguration',
  input: Type.Object({}, { additionalProperties: false }),
  resource: () => undefined,
  async handle(_input, context) {
    const config = await context.services.metadata.read((tx) => registryScanningConfiguration(tx));
    return { registryId: registryIdOf(context), scanningConfiguration: configurationWire(config) };
  },
});

/** BatchGetRepositoryScanningConfiguration: each repository's effective scan frequency and the filters that set it. */
export const batchGetRepositoryScanningConfiguration = defineAction({
  name: 'BatchGetRepositoryScanningConfiguration',
  iamAction: 'ecr:BatchGetRepositoryScanningConfiguration',
  input: Type.Object({ repositoryNames: Type.Array(RepositoryNameSchema, { minItems: 1, maxItems: 25 }) }, { additionalProperties: false }),
  resource: () => undefined,
  async handle(input, context) {
    const { config, repositories } = await context.services.metadata.read(async (tx) => ({
      config: await registryScanningConfiguration(tx),
      repositories: await Promise.all(input.repositoryNames.map(async (name) => ({ name, repository: await tx.repositories.get(name) }))),
    }));
    const { region, accountId } = context.services.config;
    const scanningConfigurations: unknown[] = [];
    const failures: unknown[] = [];
    for (const { name, repository } of repositories) {
      if (!repository) {
        failures.push({ repositoryName: name, failureCode: 'REPOSITORY_NOT_FOUND', failureReason: 'REPOSITORY_NOT_FOUND' });
        continue;
      }
      const scanning = repositoryScanning(config, repository.name, repository.settings.scanOnPush);
      scanningConfigurations.push({
        repositoryArn: `arn:aws:ecr:${region}:${accountId}:repository/${repository.name}`,
        repositoryName: repository.name,
        scanOnPush: scanning.scanOnPush,
        scanFrequency: scanning.scanFrequency,
        appliedScanFilters: scanning.appliedScanFilters,
      });
    }
    return { scanningConfigurations, failures };
  },
});

export const SCANNING_ACTIONS = [
  startImageScan,
  describeImageScanFindings,
  putRegistryScanningConfiguration,
  getRegistryScanningConfiguration,
  batchGetRepositoryScanningConfiguration,
];
