/**
 * Template keys: two shaped inputs that differ in any way have different keys, whichever form a field is written in —
 * a stand-in by its number, a file name with a stand-in inside as the text around it, anything else length-prefixed.
 * The stand-ins here are private-use strings of the same make as file-templates.ts's; a value that imitates the
 * number form (`S1|`), the file-name form, or a stand-in with another mark is still told apart.
 */
import { describe, expect, it } from 'vitest';
import type { ResolvedDevice } from '../../src/model/config-types.js';
import type { Mac } from '../../src/model/mac.js';
import { resolvePolicy } from '../../src/model/policy.js';
import type { RenderInput } from '../../src/model/vendor-contract.js';
import { TemplateKeys } from '../../src/provisioning/template-key.js';
import { testDevice } from '../helpers/devices.js';

const standIn = (i: number) => `\uE000feedc0ffee00${i}\uE001`;
const keys = () => new TemplateKeys((text) => (/^\uE000feedc0ffee00(\d)\uE001$/.exec(text) ? Number(text.slice(13, -1)) : undefined));

function shaped(change: (d: ResolvedDevice, input: RenderInput) => void = () => {}): RenderInput {
  const device = testDevice('yealink', 'T46U', '00:15:65:00:00:01', 1);
  device.mac = standIn(0) as Mac;
  device.lines = [{ index: 1, extension: standIn(1), authUser: standIn(1), password: standIn(2), displayName: standIn(3) }];
  device.adminPassword = standIn(4);
  device.userPassword = standIn(5);
  device.provisioning = { ...device.provisioning, username: standIn(6), password: standIn(7) };
  const input: RenderInput = {
    model: 'T46U',
    firmware: '108.86.0.45',
    policy: resolvePolicy([]),
    file: { name: `${standIn(8)}.cfg`, kind: 'device', mac: standIn(0) as Mac, model: 'T46U', secret: true, upload: false },
    device,
  };
  change(device, input);
  return input;
}

describe('template keys', () => {
  it('differ for every change of shape, and are written without the stand-ins’ private-use text', () => {
    const base = keys().keyOf('yealink', shaped());
    expect(base).not.toMatch(/[\uE000\uE001]/);
    expect([...base].every((c) => c.charCodeAt(0) < 0x100)).toBe(true);
    const variants: [string, (d: ResolvedDevice, i: RenderInput) => void][] = [
      ['authUser its own stand-in', (d) => (d.lines[0]!.authUser = standIn(9))],
      ['an empty display name', (d) => (d.lines[0]!.displayName = '')],
      ['a value imitating the number form', (d) => (d.lines[0]!.displayName = 'S3|')],
      ['a stand-in of another mark', (d) => (d.lines[0]!.displayName = '\uE000deadbeef0000003\uE001')],
      ['another file name around the stand-in', (_d, i) => (i.file = { ...i.file, name: `x${standIn(8)}.cfg` })],
      ['a file name imitating the name form', (_d, i) => (i.file = { ...i.file, name: `P3:${standIn(8)}.cfg` })],
      ['a plain file name', (_d, i) => (i.file = { ...i.file, name: '001565000001.cfg' })],
      ['a file name with an unknown stand-in', (_d, i) => (i.file = { ...i.file, name: '\uE000other\uE001.cfg' })],
      ['no MAC in the file', (_d, i) => (i.file = { ...i.file, mac: undefined })],
      ['another firmware', (_d, i) => (i.firmware = '108.86.0.46')],
      ['another URL', (d) => (d.provisioning.url = 'https://127.0.0.1:8444/')],
    ];
    const seen = new Map([[base, 'base']]);
    // one instance across all of them (it remembers file names) writes what a fresh one does
    const shared = keys();
    shared.keyOf('yealink', shaped());
    for (const [name, change] of variants) {
      const key = keys().keyOf('yealink', shaped(change));
      expect(seen.get(key), name).toBeUndefined();
      seen.set(key, name);
      expect(shared.keyOf('yealink', shaped(change)), name).toBe(key);
    }
    // the same shape from another instance and other objects: the same key
    expect(keys().keyOf('yealink', shaped())).toBe(base);
  });
});
