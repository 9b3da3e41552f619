/**
 * The slot classes' table check against the classes as regular expressions, written out here from their definition
 * (src/model/template-slot.ts's doc): every single character up to U+02FF and a sample beyond, strings at and around
 * each length bound, and 20,000 seeded random strings over an alphabet of allowed and refused characters, spaces,
 * letters and digits of other scripts and astral letters — the table and V8's regular-expression engine must agree
 * on every one.
 */
import { describe, expect, it } from 'vitest';
import { fitsSlot, type SlotClass } from '../../src/model/template-slot.js';
import { seeded } from '../helpers/seeded.js';

const D = String.raw`\p{L}\p{N}._,()+#@:/-`;
const REFERENCE: Record<SlotClass, RegExp> = {
  mac: /^[0-9a-f]{12}$/,
  'mac-text': /^[0-9A-Fa-f]{12}$/,
  user: /^[0-9A-Za-z_.~+@*#-]{1,128}$/,
  display: new RegExp(`^[${D}](?:[ ${D}]{0,126}[${D}])?$`, 'u'),
  secret: /^[0-9A-Za-z!#$%()*+,./:;=?@[\]^_`{|}~-]{1,256}$/,
};
const CLASSES = Object.keys(REFERENCE) as SlotClass[];

const ALPHABET = [
  ...'0123456789abcdefABCDEFxyzXYZ',
  ...'!#$%()*+,./:;=?@[]^_`{|}~-',
  ...' &<>"\'\\\t\n\r\u0000\u007f',
  'é',
  'Ω',
  '電',
  '٣',
  'ß',
  '\u00a0',
  '\u2028',
  '\uE000',
  '𝐀',
  '🙂',
  '\ud800',
];

const agree = (value: string) => {
  for (const slot of CLASSES) expect(fitsSlot(value, slot), `${slot} ${JSON.stringify(value)}`).toBe(REFERENCE[slot].test(value));
};

describe('slot classes', () => {
  it('agree with the regular expressions on every character up to U+02FF and a sample beyond', () => {
    for (let c = 0; c <= 0x2ff; c++) {
      const ch = String.fromCharCode(c);
      for (const value of [ch, `a${ch}b`, `${ch}a`, `a${ch}`, ch.repeat(12)]) agree(value);
    }
    for (const ch of ['電', '٣', '𝐀', '🙂', '\uE000', '\ud800', '\u2028', '\u3000'])
      for (const value of [ch, `a${ch}b`, `${ch} ${ch}`]) agree(value);
  });

  it('agree at and around every length bound', () => {
    for (const n of [0, 1, 2, 11, 12, 13, 127, 128, 129, 255, 256, 257]) {
      for (const unit of ['a', '1', 'é', '𝐀', 'a ']) agree(unit.repeat(n).slice(0, unit.length === 2 && unit !== 'a ' ? 2 * n : n));
    }
    // 128 astral letters are 256 UTF-16 units but 128 code points: a display name may hold them
    expect(fitsSlot('𝐀'.repeat(128), 'display')).toBe(true);
    expect(fitsSlot('𝐀'.repeat(129), 'display')).toBe(false);
  });

  it('agree on 20,000 seeded random strings', () => {
    const random = seeded(20261207);
    for (let i = 0; i < 20_000; i++) {
      const length = Math.floor(random() ** 2 * 300);
      let value = '';
      // most strings from a narrow alphabet, so that many of them fit
      const narrow = random() < 0.7;
      for (let j = 0; j < length; j++) value += ALPHABET[Math.floor(random() * (narrow ? 28 : ALPHABET.length))];
      agree(value);
    }
  });
});
