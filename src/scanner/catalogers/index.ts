import { apkCataloger } from './apk.js';
import type { Cataloger } from './cataloger.js';
import { composerCataloger } from './composer.js';
import { dotnetCataloger } from './dotnet.js';
import { dpkgCataloger } from './dpkg.js';
import { goBinaryCataloger } from './go-binary.js';
import { javaCataloger } from './java.js';
import { npmCataloger } from './npm.js';
import { pythonCataloger } from './python.js';
import { rpmCataloger } from './rpm.js';
import { rubyCataloger } from './ruby.js';
import { rustCataloger } from './rust.js';

export type { Cataloger, CatalogContext } from './cataloger.js';

/** Every package source the scanner knows, OS databases first. */
export const DEFAULT_CATALOGERS: readonly Cataloger[] = [
  dpkgCataloger,
  apkCataloger,
  rpmCataloger,
  npmCataloger,
  pythonCataloger,
  javaCataloger,
  goBinaryCataloger,
  rustCataloger,
  rubyCataloger,
  composerCataloger,
  dotnetCataloger,
];
