/** Strict XML parsing shared by the Polycom and Grandstream readers: malformed XML is rejected, never half-read. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line ? `line ${line}: ${message}` : message);
    this.name = 'XmlSyntaxError';
  }
}

export interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const MAX_XML_BYTES = 4 * 1024 * 1024;

/** One parser for every document: building one per call cost as much as parsing a small file. */
const PARSER = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
});

export function parseXml(body: string): XmlNode {
  if (body.length > MAX_XML_BYTES) throw new XmlSyntaxError('file too large');
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new XmlSyntaxError('DTDs and entities are not accepted');
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new XmlSyntaxError(valid.err.msg, valid.err.line);
  const tree = PARSER.parse(body) as unknown[];
  const roots = tree.map(toNode).filter((n): n is XmlNode => n !== undefined && !n.name.startsWith('?'));
  if (roots.length !== 1) throw new XmlSyntaxError('expected exactly one root element');
  return roots[0]!;
}

function toNode(entry: unknown): XmlNode | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  const record = entry as Record<string, unknown>;
  const name = Object.keys(record).find((k) => k !== ':@' && k !== '#text');
  if (!name) return undefined;
  const attrs = (record[':@'] ?? {}) as Record<string, string>;
  const rawChildren = (record[name] ?? []) as unknown[];
  const children: XmlNode[] = [];
  let text = '';
  for (const child of rawChildren) {
    const c = child as Record<string, unknown>;
    if ('#text' in c) text += String(c['#text']);
    else {
      const node = toNode(child);
      if (node) children.push(node);
    }
  }
  return { name, attributes: { ...attrs }, children, text };
}
