import { RegistryError } from '../../src/errors/registry-error.js';

/** The catalogue code a call fails with, or undefined when it returns; anything but a RegistryError is rethrown. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof RegistryError) return err.code;
    throw err;
  }
  return undefined;
}

/** The RegistryError a call throws; fails when it returns or throws something else. */
export function errorOf(fn: () => unknown): RegistryError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RegistryError) return err;
    throw err;
  }
  throw new Error('expected a RegistryError, but the call returned');
}
