/**
 * Every catalogue model has golden files for each firmware family it spans (first listed firmware of the family):
 * the files its boot sequence fetches, rendered with the full policy. UPDATE_GOLDEN=1 rewrites them; a reviewer compares
 * a sample by eye with the public templates (README "Model catalogue" says which were checked).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VENDORS } from '../../vendors/index.js';
import { resolvePolicy } from '../../src/model/policy.js';
import { testDevice } from '../helpers/devices.js';
import { CATALOGUE as YEALINK_ROWS } from '../../vendors/yealink/catalogue.js';
import { CATALOGUE as POLYCOM_ROWS } from '../../vendors/polycom/catalogue.js';
import { CATALOGUE as GRANDSTREAM_ROWS } from '../../vendors/grandstream/catalogue.js';

const GOLDEN_DIR = join(import.meta.dirname, '../golden/catalogue');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const POLICY = resolvePolicy([{ 'sip-port-nonstandard': { enabled: true, port: 5072 }, 'sip-tls-srtp': { enabled: true } }]);
const MACS: Record<string, string> = { yealink: '00:15:65:12:34:56', polycom: '00:04:f2:12:34:56', grandstream: '00:0b:82:12:34:56' };

describe.each(VENDORS.map((v) => [v.id, v] as const))('catalogue goldens: %s', (_id, vendor) => {
  for (const model of vendor.models) {
    const device = testDevice(vendor.id, model.id, MACS[vendor.id]!, Math.min(2, model.accounts));
    const seen = new Set<string>();
    for (const firmware of model.firmwares) {
      const family = vendor.compile({ model: model.id, firmware, policy: POLICY }).family.id;
      if (seen.has(family)) continue;
      seen.add(family);
      it(`${model.id} family ${family} (${firmware})`, () => {
        for (const step of vendor.bootSequence(device.mac, model.id, firmware).filter((s) => s.method === 'GET')) {
          const { file } = vendor.identifyRequest(step);
          const body = vendor.render({ model: model.id, firmware, policy: POLICY, file, device: file.secret ? device : undefined }).body;
          const path = join(GOLDEN_DIR, vendor.id, `${model.id}-${family}-${step.fileName}`);
          if (UPDATE) {
            mkdirSync(join(GOLDEN_DIR, vendor.id), { recursive: true });
            writeFileSync(path, body);
            continue;
          }
          expect(existsSync(path), `missing golden ${path}; run with UPDATE_GOLDEN=1`).toBe(true);
          expect(body).toBe(readFileSync(path, 'utf8'));
        }
      });
    }
  }
});

/**
 * The families a model spans come from its sources, not from the firmware list the catalogue happens to give: every Wazo
 * plugin version named in a row's source column (Yealink `W80-W84`, Poly `W v3_2_4B v4_0_11`, Grandstream
 * `W v1_0_5_48`) falls in a family one of the row's firmwares is in — so the goldens above cover it.
 */
function sourceVersions(vendor: string, source: string): string[] {
  const wazo = /(?:^|;\s*)W\s*([^;]*)/.exec(source)?.[1] ?? '';
  if (vendor === 'yealink') {
    // W80-W84, W73, W81-W86 (every major in the range): the plugin's major version is the firmware's second number
    return [...wazo.matchAll(/W?(\d{2})(?:-W(\d{2}))?/g)].flatMap((m) => {
      const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
      return Array.from({ length: to - from + 1 }, (_, i) => `0.${from + i}.0.0`);
    });
  }
  // v3_2_4B, v5_4_3-v6_4_6, v1_0_7_13, v1_0_3_2x_android: digits of the plugin version
  return [...wazo.matchAll(/v(\d+(?:_\d+)+)/g)].map((m) => m[1]!.split('_').join('.'));
}

describe.each(VENDORS.map((v) => [v.id, v] as const))('catalogue families from the sources: %s', (_id, vendor) => {
  it('every Wazo plugin version in a model source falls in a family its goldens cover', () => {
    const rows: Record<string, readonly (readonly unknown[])[]> = {
      yealink: YEALINK_ROWS,
      polycom: POLYCOM_ROWS,
      grandstream: GRANDSTREAM_ROWS,
    };
    const CATALOGUE = rows[vendor.id]!;
    const uncovered: string[] = [];
    let checked = 0;
    for (const row of CATALOGUE) {
      const id = row[0] as string;
      const model = vendor.models.find((m) => m.id === id)!;
      const covered = new Set(model.firmwares.map((f) => vendor.compile({ model: id, firmware: f, policy: POLICY }).family.id));
      for (const version of sourceVersions(vendor.id, row[row.length - 1] as string)) {
        const family = vendor.compile({ model: id, firmware: version, policy: POLICY }).family;
        checked++;
        if (!family.guessed && !covered.has(family.id)) uncovered.push(`${id}: source ${version} is family ${family.id}`);
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(uncovered).toEqual([]);
  });
});
