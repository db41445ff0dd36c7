import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOGERS } from '../../src/scanner/catalogers/index.js';
import { catalogImage, DEFAULT_MAX_FILE_BYTES } from '../../src/scanner/layers.js';
import { OCI_TAR, tarStream, type TarItem } from './scanner-catalog-support.js';

/**
 * A resource bound, not a timing: a 1 GiB layer streams through the catalog pass with every
 * default cataloger on, and the process's resident set grows by less than 100 MiB. The layer is
 * generated while it is read (nothing holds it), from one reused 8 MiB block of random bytes,
 * delivered in 64 KiB chunks as a blob store's file or socket stream would, and mixes what the catalogers must drain (data files, ELF-looking executables, shell scripts,
 * a wanted file over the size cap) with a few they must read.
 */
const MiB = 1024 * 1024;
const BLOCK = randomBytes(8 * MiB);
const ELF_BLOCK = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0]), BLOCK.subarray(18)]);

async function* junkLayer(total: number): AsyncGenerator<TarItem> {
  let written = 0;
  let i = 0;
  for (; written + BLOCK.length <= total - 96 * MiB; i++) {
    // data files nobody wants, executables the binary catalogers read and reduce to nothing, scripts they drain after 64 bytes
    const kind = i % 3;
    if (kind === 0) yield { path: `srv/data/blob-${i}.bin.gz`, content: BLOCK };
    else if (kind === 1) yield { path: `usr/local/bin/tool-${i}`, content: ELF_BLOCK, mode: 0o755 };
    else yield { path: `opt/scripts/run-${i}`, content: BLOCK, mode: 0o755 };
    written += BLOCK.length;
  }
  // one wanted file over the 64 MiB cap: skipped with a note, never buffered
  yield { path: 'usr/local/bin/huge', size: 96 * MiB, chunks: Array.from({ length: 12 }, () => ELF_BLOCK), mode: 0o755 };
  written += 96 * MiB;
  for (let n = 0; n < 200; n++) {
    yield { path: `app/node_modules/pkg-${n}/package.json`, content: JSON.stringify({ name: `pkg-${n}`, version: `1.0.${n}` }) };
  }
  yield { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' };
  expect(written).toBe(total);
}

describe('catalogImage memory', () => {
  it('streams a 1 GiB layer with flat memory', async () => {
    const total = 1024 * MiB;
    let streamed = 0;
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    let sbom;
    try {
      sbom = await catalogImage(
        [
          {
            digest: 'sha256:junk',
            mediaType: OCI_TAR,
            open: () => {
              const s = tarStream(junkLayer(total));
              s.on('data', (c: Buffer) => (streamed += c.length));
              return Promise.resolve(s as Readable);
            },
          },
        ],
        DEFAULT_CATALOGERS,
        { imageDigest: 'sha256:junk-image' },
      );
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const grewMiB = (peak - rssBefore) / MiB;
    console.log(`1 GiB layer: ${(streamed / MiB).toFixed(0)} MiB of tar streamed; RSS ${(rssBefore / MiB).toFixed(0)} MiB before, peak ${(peak / MiB).toFixed(0)} MiB (+${grewMiB.toFixed(1)} MiB)`);

    expect(streamed).toBeGreaterThan(total);
    expect(sbom.packages).toHaveLength(200);
    expect(sbom.distro?.ecosystem).toBe('Debian:12');
    expect(sbom.notes).toEqual([
      `layer 0 (sha256:junk): /usr/local/bin/huge skipped: ${96 * MiB} bytes is over the ${DEFAULT_MAX_FILE_BYTES}-byte limit for files read into memory`,
    ]);
    expect(grewMiB).toBeLessThan(100);
  }, 300_000);
});
