import { ERROR_CATALOGUE, type ErrorCode } from './catalogue.js';

/**
 * The one expected-failure type that crosses seams. The message is safe to show to a client;
 * `detail` is structured data for the OCI envelope; `cause` is logged, never returned.
 */
export class RegistryError extends Error {
  readonly code: ErrorCode;
  readonly detail: unknown;

  constructor(code: ErrorCode, message?: string, options: { detail?: unknown; cause?: unknown } = {}) {
    super(message ?? ERROR_CATALOGUE[code].message, { cause: options.cause });
    this.name = 'RegistryError';
    this.code = code;
    this.detail = options.detail;
  }
}

export function isRegistryError(err: unknown): err is RegistryError {
  return err instanceof RegistryError;
}
