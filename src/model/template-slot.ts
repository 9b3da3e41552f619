/**
 * Slots of a compiled device-file template: the device's own values (MAC, line users and names, secrets) that a
 * template leaves open. A value is filled in only when it matches its slot's class. Every class excludes what any
 * served format escapes or reinterprets (XML `& < > " '`, control characters, line breaks, leading or trailing space),
 * so a filled value reads back exactly as written and cannot change the document around it. The empty string is no
 * slot value: it stays part of the template's shape. Anything else takes the full render path.
 */
export type SlotClass = 'mac' | 'mac-text' | 'user' | 'display' | 'secret';

const DISPLAY_CHAR = String.raw`\p{L}\p{N}._,()+#@:/-`;

export const SLOT_CLASSES: Readonly<Record<SlotClass, RegExp>> = {
  mac: /^[0-9a-f]{12}$/,
  /** the MAC as a file name spells it */
  'mac-text': /^[0-9A-Fa-f]{12}$/,
  user: /^[0-9A-Za-z_.~+@*#-]{1,128}$/,
  display: new RegExp(String.raw`^[${DISPLAY_CHAR}](?:[ ${DISPLAY_CHAR}]{0,126}[${DISPLAY_CHAR}])?$`, 'u'),
  secret: /^[0-9A-Za-z!#$%()*+,./:;=?@[\]^_`{|}~-]{1,256}$/,
};

export interface SlotValue {
  value: string;
  slot: SlotClass;
}

export const fitsSlot = (v: SlotValue): boolean => SLOT_CLASSES[v.slot].test(v.value);
