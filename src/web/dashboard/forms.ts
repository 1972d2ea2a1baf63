import { html, type Html, type Renderable } from '../html.ts';
import type { DashboardMessages } from '../i18n/dashboard-messages.ts';
import type { StaffAnswer } from './staff-api.ts';

/**
 * Management forms. Input names are the API's own field paths ("lateChargeRule.graceDays"),
 * so the `field` of a problem+json refusal names the input it belongs to, and the error is
 * written next to that input (aria-invalid + aria-describedby) as well as in a summary at the
 * top that links to it. Values come back into the form as typed, so nothing is lost.
 */
export type Values = Record<string, string | undefined>;
export interface FieldError { field?: string; text: string }
export interface FormState { values: Values; error?: FieldError; formKey: string }

/** An id safe for a fragment link and a `for` attribute. */
export const fieldId = (name: string): string => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/**
 * Which input a problem's field belongs to. The API names some fields by the rule rather than
 * the input (an APR over the cap is field "apr"; grace days may come back as "graceDays").
 */
export function errorField(field: string | undefined, names: readonly string[]): string | undefined {
  if (!field) return undefined;
  const alias: Record<string, string> = { apr: 'aprCap', graceDays: 'lateChargeRule.graceDays', 'lateChargeRule.code': 'lateChargeRule.graceDays' };
  const f = alias[field] ?? field;
  if (names.includes(f)) return f;
  // "lenders.1.percent" → "lenders.1.percent" if present, else the nearest enclosing input.
  const parts = f.split('.');
  while (parts.length > 1) { parts.pop(); const p = parts.join('.'); if (names.includes(p)) return p; }
  return names.find((n) => n.startsWith(`${f}.`));
}

/** The refusal as words: the stable code in the operator's language, then the API's detail. */
export function refusalText(d: DashboardMessages, r: Extract<StaffAnswer<unknown>, { ok: false }>): string {
  const label = d.problem[r.code] ?? r.code;
  return r.detail ? `${label} — ${r.detail}` : label;
}

export const toFieldError = (d: DashboardMessages, r: Extract<StaffAnswer<unknown>, { ok: false }>, names: readonly string[]): FieldError => {
  const field = errorField(r.field, names);
  return { text: refusalText(d, r), ...(field ? { field } : {}) };
};

export interface FieldOptions { hint?: string; type?: 'text' | 'number' | 'url'; required?: boolean; pattern?: string; inputmode?: 'decimal' | 'numeric'; min?: number; max?: number; maxlength?: number; readonly?: boolean; autocomplete?: string }

function described(name: string, s: FormState, hint: string | undefined): { invalid: boolean; ids: string } {
  const invalid = s.error?.field === name;
  const ids = [hint ? `${fieldId(name)}-hint` : '', invalid ? `${fieldId(name)}-err` : ''].filter(Boolean).join(' ');
  return { invalid, ids };
}

const errorLine = (d: DashboardMessages, name: string, s: FormState): Html =>
  s.error?.field === name ? html`<span class="field-error" id="${fieldId(name)}-err">${d.fieldError(s.error.text)}</span>` : html``;

/** A labelled text input with its hint and, when the API refused it, its error right below. */
export function field(d: DashboardMessages, s: FormState, name: string, label: string, o: FieldOptions = {}): Html {
  const id = fieldId(name);
  const { invalid, ids } = described(name, s, o.hint);
  return html`<div class="field${invalid ? ' invalid' : ''}"><label for="${id}">${label}</label>${o.hint ? html`<span class="hint" id="${id}-hint">${o.hint}</span>` : ''}
<input id="${id}" name="${name}" type="${o.type ?? 'text'}" value="${s.values[name] ?? ''}"${o.required ? html` required` : ''}${o.pattern ? html` pattern="${o.pattern}"` : ''}${o.inputmode ? html` inputmode="${o.inputmode}"` : ''}${o.min !== undefined ? html` min="${o.min}"` : ''}${o.max !== undefined ? html` max="${o.max}"` : ''}${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${o.readonly ? html` readonly` : ''} autocomplete="${o.autocomplete ?? 'off'}"${invalid ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''}>
${errorLine(d, name, s)}</div>`;
}

/** A labelled select; `choices` are [value, label]. */
export function select(d: DashboardMessages, s: FormState, name: string, label: string, choices: readonly (readonly [string, string])[], o: { hint?: string } = {}): Html {
  const id = fieldId(name);
  const { invalid, ids } = described(name, s, o.hint);
  const current = s.values[name] ?? '';
  return html`<div class="field${invalid ? ' invalid' : ''}"><label for="${id}">${label}</label>${o.hint ? html`<span class="hint" id="${id}-hint">${o.hint}</span>` : ''}
<select id="${id}" name="${name}"${invalid ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''}>${choices.map(([value, text]) => html`<option value="${value}"${value === current ? html` selected` : ''}>${text}</option>`)}</select>
${errorLine(d, name, s)}</div>`;
}

/**
 * A group of checkboxes, one input name per choice ("<prefix>.<id>"): the web layer's form
 * parser keeps one value per name, so a shared name would keep only the last box ticked.
 */
export function checkboxes(d: DashboardMessages, s: FormState, prefix: string, legend: string, choices: readonly (readonly [string, string])[], o: { hint?: string; errorName?: string } = {}): Html {
  const errName = o.errorName ?? prefix;
  const invalid = s.error?.field === errName;
  const hintId = `${fieldId(prefix)}-hint`;
  return html`<fieldset class="checks${invalid ? ' invalid' : ''}"${o.hint || invalid ? html` aria-describedby="${[o.hint ? hintId : '', invalid ? `${fieldId(errName)}-err` : ''].filter(Boolean).join(' ')}"` : ''}><legend>${legend}</legend>
${o.hint ? html`<p class="hint" id="${hintId}">${o.hint}</p>` : ''}${errorLine(d, errName, s)}
${choices.length === 0 ? html`<p class="muted small">${d.none}</p>` : choices.map(([value, text]) => {
    const name = `${prefix}.${value}`;
    return html`<label class="check"><input type="checkbox" name="${name}" value="on"${s.values[name] === 'on' ? html` checked` : ''}> ${text}</label>`;
  })}</fieldset>`;
}

/** The ids ticked in a checkbox group. */
export const ticked = (values: Values, prefix: string): string[] =>
  Object.keys(values).filter((k) => k.startsWith(`${prefix}.`) && values[k] === 'on').map((k) => k.slice(prefix.length + 1));

/** The summary at the top of a refused form: the error, linked to its input when it has one. */
export function errorSummary(d: DashboardMessages, s: FormState): Html {
  if (!s.error) return html``;
  const e = s.error;
  return html`<div class="alert danger" role="alert" id="form-errors"><p>${d.errorSummary}</p><p>${e.field ? html`<a href="#${fieldId(e.field)}">${e.text}</a>` : e.text}</p></div>`;
}

export const hiddenKey = (key: string): Html => html`<input type="hidden" name="idem" value="${key}">`;

export const fieldsetOf = (legend: string, body: Renderable): Html => html`<fieldset class="group"><legend>${legend}</legend>${body}</fieldset>`;

/** A trimmed value or undefined when blank: blank optional inputs are left out of the API body. */
export const given = (values: Values, name: string): string | undefined => {
  const v = values[name]?.trim();
  return v ? v : undefined;
};

/** A whole number if it looks like one, else the text as typed, so the API's own validation names the field. */
export const wholeOr = (v: string | undefined): number | string | undefined => (v === undefined ? undefined : /^\d{1,9}$/.test(v) ? Number(v) : v);
