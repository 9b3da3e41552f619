/** Text that came off the wire is hostile: bound its length and escape control characters before it reaches a report or a terminal. */

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One line of evidence: control characters (ANSI escapes, bidi overrides, newlines) escaped, length bounded. */
export function clean(text: string, max = 200): string {
  const flat = text.replace(/\r?\n|\t/g, ' ');
  const escaped = flat.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}
