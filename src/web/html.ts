/**
 * HTML built by tagged templates: every interpolated value is escaped unless it is already
 * Html (the output of another template). So a plan description such as "<script>" typed by a
 * merchant can only ever show as text, and no page needs to remember to escape.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string { return this.text; }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export type Renderable = Html | string | number | boolean | null | undefined | readonly Renderable[];

function render(value: Renderable): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Renderable[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i += 1) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Trusted markup only (constants in this folder); never anything from a request or the database. */
export const unsafeRaw = (text: string): Html => new Html(text);

/** An attribute that is present or absent (checked, disabled, autofocus...). */
export const flag = (name: string, on: boolean | undefined): Html => new Html(on ? ` ${name}` : '');
