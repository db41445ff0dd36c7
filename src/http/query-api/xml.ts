/**
 * The AWS Query protocol's XML: `<ActionResponse xmlns><ActionResult>…</ActionResult>
 * <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></ActionResponse>` for results and
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` for errors.
 * Written by hand: the shapes are small, and every text node goes through `escapeXml`.
 */

/** A value as the Query protocol serialises it: members by name, lists as `<member>` items. */
export type XmlValue = string | number | boolean | Date | undefined | readonly XmlValue[] | XmlObject;
export interface XmlObject {
  readonly [name: string]: XmlValue;
}

/** Characters XML 1.0 cannot carry at all (controls other than tab, LF, CR; lone surrogates; U+FFFE/F). */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;' };

/**
 * Escapes text for an element or a double-quoted attribute (CR as a reference, so parsers keep
 * it); characters XML cannot represent become U+FFFD.
 */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"\r]/g, (c) => ENTITIES[c]!);
}

/** AWS timestamps: ISO 8601 in UTC, whole seconds. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `<name>value</name>`, nothing for undefined. */
export function element(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  return `<${name}>${content(value)}</${name}>`;
}

function content(value: Exclude<XmlValue, undefined>): string {
  if (typeof value === 'string') return escapeXml(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return isoSeconds(value);
  if (isList(value)) return value.map((item) => element('member', item)).join('');
  return Object.entries(value)
    .map(([name, member]) => element(name, member))
    .join('');
}

function isList(value: readonly XmlValue[] | XmlObject): value is readonly XmlValue[] {
  return Array.isArray(value);
}

/** A successful response; actions without output (`result` undefined) have no Result element. */
export function resultXml(action: string, namespace: string, result: XmlObject | undefined, requestId: string): string {
  const body = result === undefined ? '' : element(`${action}Result`, result);
  return (
    `<${action}Response xmlns="${escapeXml(namespace)}">${body}` +
    `<ResponseMetadata>${element('RequestId', requestId)}</ResponseMetadata></${action}Response>`
  );
}

/** The error envelope; `Sender` for client faults, `Receiver` for the service's own. */
export function errorXml(namespace: string, error: { type: 'Sender' | 'Receiver'; code: string; message: string }, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${escapeXml(namespace)}">` +
    element('Error', { Type: error.type, Code: error.code, Message: error.message }) +
    `${element('RequestId', requestId)}</ErrorResponse>`
  );
}
