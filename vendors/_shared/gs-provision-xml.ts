/** Grandstream provisioning XML: P-value form (<config version="1"><P271>1</P271>) and alias form (<config version="2"><item name=…>). */
import { create } from 'xmlbuilder2';
import type { Setting } from '../../src/model/vendor-contract.js';
import { dedupeSettings } from './key-value-cfg.js';
import { parseXml, XmlSyntaxError } from './xml-parse.js';
import { GhostguardError } from '../../src/model/errors.js';

export type GsFormat = 'pvalue' | 'alias';

const PVALUE_KEY = /^P[0-9A-Za-z_]+$/;

export function serializeGsProvision(format: GsFormat, settings: readonly Setting[], mac?: string): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele('gs_provision', { version: '1' });
  if (mac) root.ele('mac').txt(mac);
  const config = root.ele('config', { version: format === 'pvalue' ? '1' : '2' });
  for (const s of dedupeSettings(settings)) {
    if (format === 'pvalue') {
      if (!PVALUE_KEY.test(s.key)) throw new GhostguardError('GG_ERR_INTERNAL', `not a P-value: ${s.key}`);
      config.ele(s.key).txt(s.value);
    } else {
      config.ele('item', { name: s.key }).txt(s.value);
    }
  }
  return doc.end({ prettyPrint: true }) + '\n';
}

export interface GsProvision {
  format: GsFormat;
  mac?: string;
  values: Map<string, string>;
}

export function parseGsProvision(body: string): GsProvision {
  const root = parseXml(body);
  if (root.name !== 'gs_provision') throw new XmlSyntaxError(`root element is <${root.name}>, expected <gs_provision>`);
  const config = root.children.find((c) => c.name === 'config');
  if (!config) throw new XmlSyntaxError('no <config> element');
  const macNode = root.children.find((c) => c.name === 'mac');
  const format: GsFormat = config.attributes.version === '2' ? 'alias' : 'pvalue';
  const values = new Map<string, string>();
  for (const child of config.children) {
    if (format === 'alias') {
      if (child.name !== 'item' || !child.attributes.name) throw new XmlSyntaxError(`unexpected <${child.name}> in alias config`);
      values.set(child.attributes.name, child.text);
    } else {
      if (!PVALUE_KEY.test(child.name)) throw new XmlSyntaxError(`unexpected <${child.name}> in P-value config`);
      values.set(child.name, child.text);
    }
  }
  return { format, mac: macNode?.text || undefined, values };
}
