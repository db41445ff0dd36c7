import { constraintError } from '../../services/iam-service.js';

/**
 * A Query-protocol request's form parameters: scalars by name, lists as `Name.member.N` and
 * structures in lists as `Name.member.N.Field` (N from 1). An empty `Name=` is an empty list.
 */
export class QueryParams {
  constructor(private readonly params: URLSearchParams) {}

  /** The value, or undefined when the parameter is absent. */
  string(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  /** The value of a required parameter; absent answers ValidationError as IAM does. */
  required(name: string): string {
    const value = this.params.get(name);
    if (value === null) throw constraintError(name, undefined, 'Member must not be null');
    return value;
  }

  /** Whether the parameter, or any member of a list by that name, is present. */
  has(name: string): boolean {
    for (const key of this.params.keys()) if (key === name || key.startsWith(`${name}.`)) return true;
    return false;
  }

  integer(name: string): number | undefined {
    const value = this.params.get(name);
    if (value === null) return undefined;
    if (!/^-?\d{1,15}$/.test(value)) throw constraintError(name, value, 'Member must be an integer');
    return Number(value);
  }

  /** `Name.member.N` values in N order. */
  list(name: string): string[] {
    return this.#members(name, (key) => (key === '' ? 'value' : undefined)).map((m) => m.value!);
  }

  /** `Name.member.N.Field` structures in N order, each with its fields by name. */
  structures(name: string): Record<string, string>[] {
    return this.#members(name, (key) => (key.startsWith('.') ? key.slice(1) : undefined));
  }

  /** Collects `Name.member.N<rest>` by N; `field(rest)` names the member field (undefined: ignore). */
  #members(name: string, field: (rest: string) => string | undefined): Record<string, string>[] {
    const prefix = `${name}.member.`;
    const byIndex = new Map<number, Record<string, string>>();
    for (const [key, value] of this.params) {
      if (!key.startsWith(prefix)) continue;
      const match = /^(\d{1,4})(.*)$/.exec(key.slice(prefix.length));
      const member = match ? field(match[2]!) : undefined;
      if (!match || member === undefined) continue;
      const index = Number(match[1]);
      const entry = byIndex.get(index) ?? {};
      entry[member] = value;
      byIndex.set(index, entry);
    }
    return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
  }
}
