import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface Asset { href: string; body: string; type: string }

/**
 * The stylesheet, read once at start-up, lightly minified, and served under a name that
 * carries its hash, so browsers may cache it for a year and still see every change at once.
 */
export function loadStylesheet(name: string): Asset {
  const source = readFileSync(new URL(`./assets/${name}.css`, import.meta.url), 'utf8');
  const body = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\n\s*/g, '').trim();
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
  return { href: `/assets/${name}.${hash}.css`, body, type: 'text/css; charset=utf-8' };
}
