/**
 * Policy strings as patterns: `*` / `?` wildcards and `${...}` policy variables.
 *
 * Policy variables (Version 2012-10-17 only) are replaced by the request's value for the named
 * context key; `${aws:username, 'default'}` supplies a default; `${*}`, `${?}` and `${$}` are the
 * literal characters. A substituted value is literal text: its own `*` or `?` is not a wildcard.
 * A variable whose key has no single value in the request leaves the pattern unresolved, and an
 * unresolved pattern matches nothing (AWS: "there is no equal or like value").
 */

export type PatternPiece = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'wild'; readonly char: '*' | '?' };

/** Looks up a context key (case-insensitive) as a single string; undefined when absent or multivalued. */
export type VariableLookup = (key: string) => string | undefined;

export interface ExpandOptions {
  /** Undefined disables variable substitution (Version 2008-10-17: `${...}` is literal text). */
  readonly variables: VariableLookup | undefined;
  readonly wildcards: boolean;
}

const LITERAL_ESCAPES: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };

/** Splits a policy string into literal text and wildcards, substituting variables; undefined when unresolved. */
export function expandPattern(template: string, options: ExpandOptions): PatternPiece[] | undefined {
  const pieces: PatternPiece[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const char = template[i] as string;
    if (options.variables && template.startsWith('${', i)) {
      const variable = readVariable(template, i);
      if (variable !== undefined) {
        const value = variable.literal ?? options.variables(variable.key) ?? variable.fallback;
        if (value === undefined) return undefined;
        text += value;
        i = variable.end;
        continue;
      }
    }
    if (options.wildcards && (char === '*' || char === '?')) {
      if (text) pieces.push({ kind: 'text', text });
      text = '';
      pieces.push({ kind: 'wild', char });
    } else {
      text += char;
    }
    i += 1;
  }
  if (text) pieces.push({ kind: 'text', text });
  return pieces;
}

/** The literal string a pattern stands for, for operators without wildcards; undefined when unresolved. */
export function expandLiteral(template: string, variables: VariableLookup | undefined): string | undefined {
  return expandPattern(template, { variables, wildcards: false })
    ?.map((piece) => (piece.kind === 'text' ? piece.text : piece.char))
    .join('');
}

interface ParsedVariable {
  readonly end: number;
  readonly key: string;
  readonly literal?: string;
  readonly fallback?: string;
}

/** Reads `${key}` or `${key, 'default'}` starting at `start`; undefined when malformed (then `$` is literal). */
function readVariable(template: string, start: number): ParsedVariable | undefined {
  const close = findClosingBrace(template, start + 2);
  if (close === -1) return undefined;
  const body = template.slice(start + 2, close);
  const end = close + 1;
  const literal = LITERAL_ESCAPES[body];
  if (literal !== undefined) return { end, key: body, literal };
  const withDefault = /^\s*([^,']+?)\s*,\s*'((?:[^']|'')*)'\s*$/.exec(body);
  if (withDefault) {
    return { end, key: withDefault[1] as string, fallback: (withDefault[2] as string).replaceAll("''", "'") };
  }
  const key = body.trim();
  return key && !/[\s,']/.test(key) ? { end, key } : undefined;
}

function findClosingBrace(template: string, from: number): number {
  let quoted = false;
  for (let i = from; i < template.length; i += 1) {
    const char = template[i];
    if (char === "'") quoted = !quoted;
    else if (char === '}' && !quoted) return i;
  }
  return -1;
}

export interface RegExpOptions {
  readonly ignoreCase: boolean;
  /**
   * ARN segment semantics for the Resource element: a wildcard stays inside its colon-delimited
   * segment unless it is the segment's last character, in which case `*` may run past colons.
   */
  readonly segmentAware: boolean;
}

export function patternToRegExp(pieces: readonly PatternPiece[], options: RegExpOptions): RegExp {
  const source = pieces.map((piece, index) => pieceSource(piece, pieces[index + 1], options.segmentAware)).join('');
  return new RegExp(`^${source}$`, options.ignoreCase ? 'is' : 's');
}

function pieceSource(piece: PatternPiece, next: PatternPiece | undefined, segmentAware: boolean): string {
  if (piece.kind === 'text') return escapeRegExp(piece.text);
  const endsSegment = next === undefined || (next.kind === 'text' && next.text.startsWith(':'));
  if (piece.char === '*') return segmentAware && !endsSegment ? '[^:]*' : '.*';
  return segmentAware ? '[^:]' : '.';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Glob match of a whole string (Action: case-insensitive; StringLike: case-sensitive). */
export function globMatches(template: string, value: string, options: ExpandOptions & RegExpOptions): boolean {
  const pieces = expandPattern(template, options);
  return pieces !== undefined && patternToRegExp(pieces, options).test(value);
}

const ARN_COMPONENTS = 6;

/**
 * ArnEquals / ArnLike: each of the six colon-delimited ARN components is compared separately and
 * may hold `*` and `?`. A pattern that is not a six-component ARN (such as a bare `*`) is matched
 * against the whole value.
 */
export function arnMatches(template: string, value: string, variables: VariableLookup | undefined): boolean {
  const pieces = expandPattern(template, { variables, wildcards: true });
  if (pieces === undefined) return false;
  const patternComponents = splitPieces(pieces, ARN_COMPONENTS);
  if (patternComponents.length === 1) return patternToRegExp(pieces, { ignoreCase: false, segmentAware: false }).test(value);
  const valueComponents = splitArn(value);
  if (patternComponents.length < ARN_COMPONENTS || valueComponents.length < ARN_COMPONENTS) return false;
  return patternComponents.every((component, index) =>
    patternToRegExp(component, { ignoreCase: false, segmentAware: false }).test(valueComponents[index] as string),
  );
}

/** Splits at the first five colons; the sixth component keeps any further colons. */
export function splitArn(value: string): string[] {
  const parts = value.split(':');
  return parts.length <= ARN_COMPONENTS ? parts : [...parts.slice(0, ARN_COMPONENTS - 1), parts.slice(ARN_COMPONENTS - 1).join(':')];
}

function splitPieces(pieces: readonly PatternPiece[], limit: number): PatternPiece[][] {
  const components: PatternPiece[][] = [[]];
  for (const piece of pieces) {
    if (piece.kind === 'wild') {
      (components.at(-1) as PatternPiece[]).push(piece);
      continue;
    }
    const segments = piece.text.split(':');
    for (const [index, segment] of segments.entries()) {
      if (index > 0 && components.length < limit) components.push([]);
      else if (index > 0) (components.at(-1) as PatternPiece[]).push({ kind: 'text', text: ':' });
      if (segment) (components.at(-1) as PatternPiece[]).push({ kind: 'text', text: segment });
    }
  }
  return components;
}
