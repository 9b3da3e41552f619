/** The render cache: bounded by bytes, a phone fetching again soon hits though the fleet does not fit, one report object per policy. */
import { describe, expect, it } from 'vitest';
import type { Mac } from '../../src/model/mac.js';
import { RenderService } from '../../src/provisioning/render-service.js';
import type { ServedFile } from '../../src/provisioning/served-file.js';
import { VENDORS } from '../../vendors/index.js';
import { inventoryFrom } from '../auditor/helpers/inventory.js';
import { fleetYaml } from '../helpers/runtime.js';
import { FIRST_GENERATIONS } from '../../src/model/inventory.js';

const yealink = VENDORS.find((v) => v.id === 'yealink')!;
const FLEET = 200;
const inventory = inventoryFrom(
  fleetYaml(
    Array.from({ length: FLEET }, (_, i) => ({
      mac: `00:15:65:20:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
      vendor: 'yealink',
      model: 'T46U',
    })),
  ),
  VENDORS,
);

function deviceFile(renderer: RenderService, mac: Mac): ServedFile {
  const device = inventory.resolve(mac, FIRST_GENERATIONS)!;
  const file = yealink.identifyRequest({
    fileName: `${mac}.cfg`,
    method: 'GET',
    userAgent: `Yealink SIP-T46U 108.86.0.45 ${mac.match(/../g)!.join(':')}`,
  }).file;
  return renderer.render({
    vendor: yealink,
    file,
    model: 'T46U',
    firmware: '108.86.0.45',
    policy: inventory.policyFor(inventory.device(mac)!),
    device,
    version: '1.0.0',
  });
}

/** a seeded generator, so the test sees the same evictions every run */
function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('RenderService', () => {
  it('answers a repeat from the cache and renders the same bytes afresh', () => {
    const renderer = new RenderService();
    const mac = inventory.devices[0]!.mac;
    const first = deviceFile(renderer, mac);
    const again = deviceFile(renderer, mac);
    expect(renderer.stats).toMatchObject({ hits: 1, misses: 1, entries: 1 });
    expect(again.body.equals(first.body)).toBe(true);
    expect([again.sha256, again.etag, again.contentType, again.rendered]).toEqual([
      first.sha256,
      first.etag,
      first.contentType,
      first.rendered,
    ]);
    expect(again.rendered).toBe(first.rendered);
    expect(deviceFile(new RenderService(), mac).body.equals(first.body)).toBe(true);
    expect(first.etag).toBe(`"${first.sha256.slice(0, 32)}"`);
  });

  it('never holds more than its byte budget, and a phone fetching again soon after hits though the fleet does not fit', () => {
    const one = deviceFile(new RenderService(), inventory.devices[0]!.mac).body.length;
    const budget = Math.floor((FLEET / 2) * (one + 400));
    const renderer = new RenderService(budget, seeded(42));
    const LAG = FLEET / 10;
    const first = new Map<string, ServedFile>();
    let repeats = 0;
    let hits = 0;
    // a boot storm walks the fleet twice; each phone asks again after the next LAG phones (a retry, a second boot)
    for (let step = 0; step < 2 * FLEET + LAG; step++) {
      if (step < 2 * FLEET) first.set(String(step), deviceFile(renderer, inventory.devices[step % FLEET]!.mac));
      const again = step - LAG;
      if (again >= 0) {
        repeats++;
        const before = renderer.stats.hits;
        const file = deviceFile(renderer, inventory.devices[again % FLEET]!.mac);
        expect(file.body.equals(first.get(String(again))!.body)).toBe(true);
        hits += renderer.stats.hits - before;
      }
      expect(renderer.stats.bytes).toBeLessThanOrEqual(budget);
    }
    // a phone's files leave in the order they came, after far more than LAG others: every repeat hits
    expect(hits / repeats).toBe(1);
    expect(renderer.stats.entries).toBeLessThanOrEqual(FLEET / 2);
  });

  it('keeps the files every phone of a model asks for through the churn of a fleet that does not fit', () => {
    const one = deviceFile(new RenderService(), inventory.devices[0]!.mac).body.length;
    const renderer = new RenderService(Math.floor((FLEET / 4) * (one + 400)), seeded(7));
    const common = () =>
      renderer.render({
        vendor: yealink,
        file: yealink.identifyRequest({ fileName: 'y000000000108.cfg', method: 'GET', userAgent: 'Yealink SIP-T46U 108.86.0.45' }).file,
        model: 'T46U',
        firmware: '108.86.0.45',
        policy: inventory.sharedPolicy('T46U'),
        version: '1',
      });
    const first = common();
    for (const d of [...inventory.devices, ...inventory.devices]) deviceFile(renderer, d.mac);
    expect(common()).toBe(first);
  });

  it('keeps nothing with a budget of 0 and still serves', () => {
    const renderer = new RenderService(0);
    const mac = inventory.devices[1]!.mac;
    const a = deviceFile(renderer, mac);
    expect(deviceFile(renderer, mac)).not.toBe(a);
    expect(renderer.stats.entries).toBe(0);
  });

  it('shares one report object between phones of one model and policy', () => {
    const renderer = new RenderService();
    const [a, b] = inventory.devices.slice(0, 2).map((d) => deviceFile(renderer, d.mac));
    expect(a!.body.equals(b!.body)).toBe(false);
    expect(a!.rendered).toBe(b!.rendered);
    expect(a!.rendered.applied.length).toBeGreaterThan(0);
  });
});
