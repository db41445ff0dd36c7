// TagResource, UntagResource and ListTagsForResource on repository ARNs against a real `wharf serve`.
import { CreateRepositoryCommand, ListTagsForResourceCommand, TagResourceCommand, UntagResourceCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, type WharfProcess } from '../helpers/start-wharf.js';
import { awsCli, ecrClient, repositoryArn, sdkError } from './ecr-support.js';

let wharf: WharfProcess;
let ecr: ECRClient;

beforeAll(async () => {
  wharf = await startWharf();
  ecr = ecrClient(wharf);
});
afterAll(async () => {
  ecr?.destroy();
  await wharf?.stop();
});

const tagsOf = async (name: string) => (await ecr.send(new ListTagsForResourceCommand({ resourceArn: repositoryArn(name) }))).tags;

describe('resource tags', () => {
  it('adds tags, replaces values of keys present, removes keys (absent ones are no error), lists in key order', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'tags/app', tags: [{ Key: 'team', Value: 'a' }] }));
    expect(await tagsOf('tags/app')).toEqual([{ Key: 'team', Value: 'a' }]);

    await ecr.send(new TagResourceCommand({ resourceArn: repositoryArn('tags/app'), tags: [{ Key: 'team', Value: 'b' }, { Key: 'cost-center', Value: '42' }] }));
    expect(await tagsOf('tags/app')).toEqual([
      { Key: 'cost-center', Value: '42' },
      { Key: 'team', Value: 'b' },
    ]);

    await ecr.send(new UntagResourceCommand({ resourceArn: repositoryArn('tags/app'), tagKeys: ['team', 'never-there'] }));
    expect(await tagsOf('tags/app')).toEqual([{ Key: 'cost-center', Value: '42' }]);
  });

  it('allows 50 tags and refuses a 51st with TooManyTagsException, changing nothing', async () => {
    const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${String(i).padStart(2, '0')}`, Value: `${i}` }));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'tags/full' }));
    await ecr.send(new TagResourceCommand({ resourceArn: repositoryArn('tags/full'), tags: fifty }));
    expect(await tagsOf('tags/full')).toHaveLength(50);
    // Re-tagging a present key is no new tag.
    await ecr.send(new TagResourceCommand({ resourceArn: repositoryArn('tags/full'), tags: [{ Key: 'k00', Value: 'changed' }] }));
    expect((await sdkError(ecr.send(new TagResourceCommand({ resourceArn: repositoryArn('tags/full'), tags: [{ Key: 'one-more', Value: 'x' }] })))).name).toBe(
      'TooManyTagsException',
    );
    const tags = await tagsOf('tags/full');
    expect(tags).toHaveLength(50);
    expect(tags![0]).toEqual({ Key: 'k00', Value: 'changed' });
  });

  it('refuses keys and values outside the limits, and the aws: prefix, with InvalidTagParameterException', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'tags/limits' }));
    const resourceArn = repositoryArn('tags/limits');
    for (const tag of [
      { Key: 'aws:createdBy', Value: 'x' },
      { Key: 'Aws:Thing', Value: 'x' },
      { Key: '', Value: 'x' },
      { Key: 'k'.repeat(129), Value: 'x' },
      { Key: 'k', Value: 'v'.repeat(257) },
    ]) {
      expect((await sdkError(ecr.send(new TagResourceCommand({ resourceArn, tags: [tag] })))).name, tag.Key.slice(0, 20)).toBe('InvalidTagParameterException');
    }
    // Limits count characters, not bytes: 128 and 256 multi-byte characters are fine.
    await ecr.send(new TagResourceCommand({ resourceArn, tags: [{ Key: 'é'.repeat(128), Value: '😀'.repeat(256) }] }));
    expect(await tagsOf('tags/limits')).toEqual([{ Key: 'é'.repeat(128), Value: '😀'.repeat(256) }]);
    expect((await sdkError(ecr.send(new UntagResourceCommand({ resourceArn, tagKeys: ['aws:createdBy'] })))).name).toBe('InvalidTagParameterException');
  });

  it('answers InvalidParameterException for an ARN that names no repository and RepositoryNotFoundException for an unknown repository', async () => {
    for (const resourceArn of ['arn:aws:s3:::bucket', 'not-an-arn', 'arn:aws:ecr:us-east-1:000000000000:repository/', 'arn:aws:ecr:us-east-1:000000000000:repository/Bad']) {
      expect((await sdkError(ecr.send(new ListTagsForResourceCommand({ resourceArn })))).name, resourceArn).toBe('InvalidParameterException');
      expect((await sdkError(ecr.send(new TagResourceCommand({ resourceArn, tags: [{ Key: 'a', Value: 'b' }] })))).name, resourceArn).toBe('InvalidParameterException');
    }
    const unknown = repositoryArn('tags/unknown');
    expect(await sdkError(ecr.send(new TagResourceCommand({ resourceArn: unknown, tags: [{ Key: 'a', Value: 'b' }] })))).toEqual({
      name: 'RepositoryNotFoundException',
      message: "The repository with name 'tags/unknown' does not exist in the registry with id '000000000000'",
    });
    expect((await sdkError(ecr.send(new UntagResourceCommand({ resourceArn: unknown, tagKeys: ['a'] })))).name).toBe('RepositoryNotFoundException');
    expect((await sdkError(ecr.send(new ListTagsForResourceCommand({ resourceArn: unknown })))).name).toBe('RepositoryNotFoundException');
    // Another account's or region's repository is not here either.
    expect((await sdkError(ecr.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:ecr:eu-west-1:000000000000:repository/tags/app' })))).name).toBe(
      'RepositoryNotFoundException',
    );
  });

  it('works through the AWS CLI', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'tags/cli' }));
    const arn = repositoryArn('tags/cli');
    const tagged = await awsCli(wharf, ['ecr', 'tag-resource', '--resource-arn', arn, '--tags', 'Key=env,Value=prod', 'Key=owner,Value=ops']);
    expect(tagged.code, tagged.stderr).toBe(0);
    await awsCli(wharf, ['ecr', 'untag-resource', '--resource-arn', arn, '--tag-keys', 'owner']);
    const listed = await awsCli(wharf, ['ecr', 'list-tags-for-resource', '--resource-arn', arn]);
    expect(listed.json).toEqual({ tags: [{ Key: 'env', Value: 'prod' }] });
  });
});
