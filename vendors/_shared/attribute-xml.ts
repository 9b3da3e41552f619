/** Polycom-style XML: every setting is an attribute named with its full dotted parameter. */
import { create } from 'xmlbuilder2';
import type { Setting } from '../../src/model/vendor-contract.js';
import { dedupeSettings } from './key-value-cfg.js';
import { parseXml, XmlSyntaxError, type XmlNode } from './xml-parse.js';

export function serializeAttributeXml(rootName: string, settings: readonly Setting[], comment?: string): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8', standalone: true });
  if (comment) doc.com(` ${comment} `);
  const root = doc.ele(rootName);
  for (const s of dedupeSettings(settings)) root.att(s.key, s.value);
  return doc.end({ prettyPrint: true }) + '\n';
}

/** All attributes of all elements, later elements overriding earlier ones, as the phone applies them. */
export function parseAttributeXml(body: string): Map<string, string> {
  const root = parseXml(body);
  const out = new Map<string, string>();
  const visit = (node: XmlNode): void => {
    for (const [k, v] of Object.entries(node.attributes)) out.set(k, v);
    node.children.forEach(visit);
  };
  visit(root);
  if (out.size === 0 && root.children.length === 0 && root.text !== '') throw new XmlSyntaxError('no settings found');
  return out;
}
