/**
 * Yealink sets every web/phone login with one repeated key, `[static.]security.user_password = <user>:<password>`, a
 * template line per login (FusionPBX t4x/t46u templates, Wazo v87 base.tpl). ghostguard keys a setting once, so inside
 * it a login other than admin's is the key qualified with its user, `static.security.user_password[user]`; the file
 * carries the plain key, and reading a file back qualifies the line again.
 */
const QUALIFIED = /^((?:static\.)?security\.user_password)\[[A-Za-z0-9_]{1,32}\]$/;
const LOGIN = /^(?:static\.)?security\.user_password$/;

export const loginKey = (prefix: string, user: string): string => `${prefix}security.user_password[${user}]`;

/** The key as the file writes it. */
export function fileKey(key: string): string {
  return QUALIFIED.exec(key)?.[1] ?? key;
}

/** The key as ghostguard knows it: the admin login keeps the plain key, any other login is qualified with its user. */
export function settingKey(key: string, value: string): string {
  if (!LOGIN.test(key)) return key;
  const user = /^([A-Za-z0-9_]{1,32}):/.exec(value)?.[1];
  return user && user !== 'admin' ? `${key}[${user}]` : key;
}
