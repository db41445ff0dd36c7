import { execFileSync } from 'node:child_process';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Cataloger } from '../../src/scanner/catalogers/cataloger.js';
import { catalogImage, type LayerBlob } from '../../src/scanner/layers.js';
import type { Package } from '../../src/scanner/sbom.js';
import { missingTools } from '../helpers/tools.js';
import { blob, DOCKER_TAR_GZIP, layer, OCI_TAR, OCI_TAR_GZIP, OCI_TAR_ZSTD, tarBuffer, type TarItem } from './scanner-catalog-support.js';

/**
 * The layer pass on its own: overlay rules, compression, limits. A probe cataloger reports
 * every surviving file under /data as a package named by its path, versioned by its content,
 * and records what `reduce` and `accepts` saw.
 */
function probe(): Cataloger & { reduced: string[] } {
  const reduced: string[] = [];
  return {
    name: 'probe',
    reduced,
    wants: (path) => path.startsWith('/data/'),
    accepts: (head) => !head.toString('latin1').startsWith('REJECT'),
    reduce(path, content) {
      reduced.push(path);
      return content;
    },
    catalog(files) {
      return [...files].map(
        ([path, content]): Package => ({
          name: path,
          version: content.toString('utf8'),
          type: 'language',
          ecosystem: 'npm',
          purl: `pkg:generic/${encodeURIComponent(path)}@${encodeURIComponent(content.toString('utf8'))}`,
          locations: [path],
          packageManager: 'NPM',
        }),
      );
    },
  };
}

async function survivors(layers: LayerBlob[], options: { maxFileBytes?: number } = {}): Promise<{ files: string[]; notes: readonly string[] }> {
  const sbom = await catalogImage(layers, [probe()], { imageDigest: 'sha256:image', ...options });
  return { files: sbom.packages.map((p) => `${p.name}=${p.version}`), notes: sbom.notes };
}

const file = (path: string, content: string): TarItem => ({ path, content });

describe('catalogImage: overlay rules', () => {
  it('lets a later layer replace a file and keeps untouched ones', async () => {
    const r = await survivors([
      await layer([file('data/a', '1'), file('./data/b', '1'), file('/data/c', '1')]),
      await layer([file('data/b', '2')]),
    ]);
    expect(r.files).toEqual(['/data/a=1', '/data/b=2', '/data/c=1']);
    expect(r.notes).toEqual([]);
  });

  it('applies whiteouts of files and of whole directories to lower layers only', async () => {
    const r = await survivors([
      await layer([file('data/keep', '1'), file('data/gone', '1'), file('data/dir/x', '1'), file('data/dir/sub/y', '1'), file('data/dirx/z', '1')]),
      await layer([file('data/.wh.gone', ''), file('data/.wh.dir', ''), file('data/new', '2')]),
    ]);
    // `.wh.dir` removes data/dir and everything under it, but not data/dirx.
    expect(r.files).toEqual(['/data/dirx/z=1', '/data/keep=1', '/data/new=2']);
  });

  it('lets a file come back after a whiteout in a later layer', async () => {
    const r = await survivors([
      await layer([file('data/f', '1')]),
      await layer([file('data/.wh.f', '')]),
      await layer([file('data/f', '3')]),
    ]);
    expect(r.files).toEqual(['/data/f=3']);
  });

  it('hides a directory\'s lower contents behind an opaque marker, keeping the same layer\'s files whatever their tar order', async () => {
    const r = await survivors([
      await layer([file('data/app/old1', '1'), file('data/app/deep/old2', '1'), file('data/other', '1')]),
      // the marker comes after the new file in the tar: it still applies to the layers below only
      await layer([file('data/app/new', '2'), file('data/app/.wh..wh..opq', '')]),
    ]);
    expect(r.files).toEqual(['/data/app/new=2', '/data/other=1']);
  });

  it('treats a non-directory over a directory, and a directory over a file, as replacements', async () => {
    const r = await survivors([
      await layer([file('data/d/x', '1'), file('data/f', '1')]),
      await layer([{ path: 'data/d', symlink: '/elsewhere' }, { path: 'data/f', dir: true }]),
    ]);
    expect(r.files).toEqual([]);
  });

  it('does not let a symlink at a wanted path stand for a file, but lets it hide the lower file', async () => {
    const r = await survivors([await layer([file('data/s', '1')]), await layer([{ path: 'data/s', symlink: 'data/t' }])]);
    expect(r.files).toEqual([]);
  });

  it('reads a hard link to a file read earlier in the same layer', async () => {
    const r = await survivors([await layer([file('data/orig', 'v'), { path: 'data/link', hardlink: 'data/orig' }])]);
    expect(r.files).toEqual(['/data/link=v', '/data/orig=v']);
  });

  it('drains files `accepts` rejects, without reducing them, while they still replace lower files', async () => {
    const p = probe();
    const sbom = await catalogImage(
      [await layer([file('data/x', 'kept')]), await layer([file('data/x', 'REJECT me'), file('data/y', 'REJECT'), file('other/z', 'n/a')])],
      [p],
      { imageDigest: 'sha256:image' },
    );
    expect(sbom.packages).toEqual([]);
    expect(p.reduced).toEqual(['/data/x']);
  });

  it('skips wanted files over the size cap with a note; they still replace lower files', async () => {
    const big = 'x'.repeat(2048);
    const l2 = await layer([file('data/big', big), file('data/small', 's')]);
    const r = await survivors([await layer([file('data/big', 'old')]), l2], { maxFileBytes: 1024 });
    expect(r.files).toEqual(['/data/small=s']);
    expect(r.notes).toEqual([`layer 1 (${l2.digest}): /data/big skipped: 2048 bytes is over the 1024-byte limit for files read into memory`]);
  });

  it('reads long paths (PAX headers) and pre-POSIX tar headers', async () => {
    const long = `data/${'deep/'.repeat(40)}file`;
    const v7 = await tarBuffer([file('data/v7', 'old')]);
    v7.fill(0, 257, 265); // drop the `ustar\0` magic and version: a v7 header
    let sum = 0;
    v7.fill(0x20, 148, 156);
    for (let i = 0; i < 512; i++) sum += v7[i]!;
    v7.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const r = await survivors([await layer([file(long, 'pax')]), blob(v7, OCI_TAR)]);
    expect(r).toEqual({ files: [`/${long}=pax`, '/data/v7=old'], notes: [] });
  });

  it('accepts layers from an async iterable, read one at a time in order', async () => {
    const l1 = await layer([file('data/a', '1')]);
    const l2 = await layer([file('data/a', '2')]);
    const opened: string[] = [];
    async function* layers(): AsyncGenerator<LayerBlob> {
      for (const l of [l1, l2]) yield { ...l, open: () => (opened.push(l.digest), l.open()) };
    }
    const sbom = await catalogImage(layers(), [probe()], { imageDigest: 'sha256:image' });
    expect(sbom.packages.map((p) => p.version)).toEqual(['2']);
    expect(opened).toEqual([l1.digest, l2.digest]);
  });
});

describe('catalogImage: compression and media types', () => {
  const items = [file('data/a', '1')];

  it('reads gzip (OCI and Docker media types) and plain tar', async () => {
    for (const l of [await layer(items, 'gzip'), await layer(items, 'gzip', DOCKER_TAR_GZIP), await layer(items, 'none')]) {
      const r = await survivors([l]);
      expect(r).toEqual({ files: ['/data/a=1'], notes: [] });
    }
  });

  it('goes by the magic bytes when the media type disagrees, and says so', async () => {
    const plainAsGzip = await layer(items, 'none', OCI_TAR_GZIP);
    const gzipAsPlain = await layer(items, 'gzip', OCI_TAR);
    const r = await survivors([plainAsGzip, gzipAsPlain]);
    expect(r.files).toEqual(['/data/a=1']);
    expect(r.notes).toEqual([
      `layer 0 (${plainAsGzip.digest}): media type says gzip but the content is not compressed; read as tar`,
      `layer 1 (${gzipAsPlain.digest}): media type says uncompressed but the content is gzip; read as gzip`,
    ]);
  });

  it('leaves out blobs that are not filesystem layers', async () => {
    const helm = blob(zlib.gzipSync(await tarBuffer(items)), 'application/vnd.cncf.helm.chart.content.v1.tar+gzip');
    const r = await survivors([helm]);
    expect(r.files).toEqual([]);
    expect(r.notes).toEqual([`layer 0 (${helm.digest}) not cataloged: media type application/vnd.cncf.helm.chart.content.v1.tar+gzip is not an image layer`]);
  });

  it('notes a corrupt layer and goes on with the others', async () => {
    const good = await layer([file('data/a', '1')]);
    const gz = (await layer([file('data/b', '1')])).bytes;
    const truncated = blob(gz.subarray(0, gz.length - 30), OCI_TAR_GZIP);
    const r = await survivors([good, truncated]);
    expect(r.files).toEqual(['/data/a=1']);
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toMatch(new RegExp(`^layer 1 \\(${truncated.digest}\\) not cataloged: `));
  });

  it('notes a layer whose blob cannot be opened', async () => {
    const missing: LayerBlob = { digest: 'sha256:gone', mediaType: OCI_TAR_GZIP, open: () => Promise.reject(new Error('blob unknown')) };
    const r = await survivors([await layer([file('data/a', '1')]), missing]);
    expect(r).toEqual({ files: ['/data/a=1'], notes: ['layer 1 (sha256:gone) not cataloged: blob unknown'] });
  });

  it('reads zstd layers where Node has zstd, and otherwise notes them as not cataloged', async () => {
    const tarBytes = await tarBuffer([file('data/z', 'zstd')]);
    const z = zlib as unknown as { zstdCompressSync?: (b: Buffer) => Buffer };
    let compressed: Buffer;
    if (typeof z.zstdCompressSync === 'function') compressed = z.zstdCompressSync(tarBytes);
    else if (missingTools(['zstd']).length === 0) compressed = execFileSync('zstd', ['-q', '-c'], { input: tarBytes });
    else compressed = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(64)]); // a zstd frame header is all the sniffer needs
    const l = blob(compressed, OCI_TAR_ZSTD);
    const r = await survivors([await layer([file('data/z', 'lower')]), l]);
    const nodeHasZstd = typeof (zlib as unknown as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';
    let napi = false;
    try {
      await import('zstd-napi' as string);
      napi = true;
    } catch {
      napi = false;
    }
    if (nodeHasZstd || napi) {
      expect(r).toEqual({ files: ['/data/z=zstd'], notes: [] });
    } else {
      expect(r.files).toEqual(['/data/z=lower']);
      expect(r.notes).toEqual([
        `layer 1 (${l.digest}) not cataloged: zstd is not supported on Node ${process.versions.node} (needs Node >= 22.15 or the zstd-napi package)`,
      ]);
    }
  });
});
