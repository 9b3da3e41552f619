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
