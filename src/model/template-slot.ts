/**
 * Slots of a compiled device-file template: the device's own values (MAC, line users and names, secrets) that a
 * template leaves open. A value is filled in only when it matches its slot's class. Every class excludes what any
 * served format escapes or reinterprets (XML `& < > " '`, control characters, line breaks, leading or trailing space),
 * so a filled value reads back exactly as written and cannot change the document around it. The empty string is no
 * slot value: it stays part of the template's shape. Anything else takes the full render path.
 */
export type SlotClass = 'mac' | 'mac-text' | 'user' | 'display' | 'secret';

const DISPLAY_CHAR = String.raw`\p{L}\p{N}._,()+#@:/-`;
/** a display name past ASCII: 1–128 letters, digits (any script) and the punctuation above, inner spaces */
const DISPLAY = new RegExp(`^[${DISPLAY_CHAR}](?:[ ${DISPLAY_CHAR}]{0,126}[${DISPLAY_CHAR}])?$`, 'u');

/**
 * The classes, as a table of the ASCII characters each allows and its length bounds (a device file fills about ten
 * slots; ten regular-expression calls were 2 µs of a 20,000-phone boot storm's request):
 * - mac: 12 of `0-9 a-f`; mac-text, the MAC as a file name spells it: 12 of `0-9 A-F a-f`;
 * - user: 1–128 of `0-9 A-Z a-z _ . ~ + @ * # -`;
 * - display: 1–128 of letters, digits and `. _ , ( ) + # @ : / -`, with spaces inside but not at either end;
 * - secret: 1–256 of `0-9 A-Z a-z` and the printable ASCII punctuation but `& < > " ' \` and space.
 * A character past ASCII is never a fit, except in a display name, where `DISPLAY` decides (any script's letters).
 */
interface AsciiClass {
  allowed: Uint8Array;
  min: number;
  max: number;
  /** a space is allowed inside but not at either end */
  innerSpace: boolean;
  /** what decides a value with a character past ASCII: nothing (no fit) or this expression */
  other?: RegExp;
}

const LETTERS_DIGITS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function asciiClass(chars: string, min: number, max: number, other?: RegExp, innerSpace = false): AsciiClass {
  const allowed = new Uint8Array(128);
  for (const c of chars) allowed[c.charCodeAt(0)] = 1;
  return { allowed, min, max, innerSpace, other };
}

const SLOT_CLASSES: Readonly<Record<SlotClass, AsciiClass>> = {
  mac: asciiClass('0123456789abcdef', 12, 12),
  'mac-text': asciiClass('0123456789abcdefABCDEF', 12, 12),
  user: asciiClass(`${LETTERS_DIGITS}_.~+@*#-`, 1, 128),
  display: asciiClass(`${LETTERS_DIGITS}._,()+#@:/-`, 1, 128, DISPLAY, true),
  secret: asciiClass(`${LETTERS_DIGITS}!#$%()*+,./:;=?@[]^_\`{|}~-`, 1, 256),
};

export function fitsSlot(value: string, slot: SlotClass): boolean {
  const { allowed, min, max, innerSpace, other } = SLOT_CLASSES[slot];
  const n = value.length;
  // a display name's length counts code points, which a string past ASCII has fewer of than UTF-16 units
  if (n < min || (n > max && !other)) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128) return other?.test(value) ?? false;
    if (allowed[c] === 0 && !(c === 32 && innerSpace && i > 0 && i < n - 1)) return false;
  }
  return n <= max;
}
