/** MAC addresses: always carried as 12 lowercase hex digits; vendors choose their own spelling at the edges. */
export type Mac = string & { readonly __brand: 'Mac' };

const SEPARATED = /^([0-9a-f]{2})([:-]?)([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i;
const DOTTED = /^([0-9a-f]{4})\.([0-9a-f]{4})\.([0-9a-f]{4})$/i;

export function parseMac(input: string): Mac | undefined {
  const text = input.trim();
  if (text.length > 17) return undefined;
  const sep = SEPARATED.exec(text);
  if (sep) return [sep[1], sep[3], sep[4], sep[5], sep[6], sep[7]].join('').toLowerCase() as Mac;
  const dot = DOTTED.exec(text);
  if (dot) return (dot[1]! + dot[2]! + dot[3]!).toLowerCase() as Mac;
  return undefined;
}

export function macWithColons(mac: Mac): string {
  return mac.match(/../g)!.join(':');
}

export function ouiOf(mac: Mac): string {
  return mac.slice(0, 6);
}

/** Broadcast, all-zero and multicast addresses are never a phone. */
export function isUnicastMac(mac: Mac): boolean {
  if (mac === '000000000000' || mac === 'ffffffffffff') return false;
  return (parseInt(mac.slice(0, 2), 16) & 1) === 0;
}
