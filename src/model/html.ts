/** The one HTML escaper and a tagged template that escapes every interpolated value unless it is already `Html`. */

export class Html {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

export type Fragment = Html | string | number | boolean | null | undefined | readonly Fragment[];

/** Text and attribute contexts (both quote styles) and backticks (old IE attribute quoting). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(value: Fragment): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return (value as readonly Fragment[]).map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Fragment[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Html(out);
}

/** Trusted markup only (constants written by the caller, never data). */
export function raw(text: string): Html {
  return new Html(text);
}

export function join(parts: readonly Fragment[], separator: Fragment = ''): Html {
  return new Html(parts.map(render).join(render(separator)));
}
