/**
 * Keeps docs/performance.md's generated part current: the text between the
 * `<!-- bench:begin -->` and `<!-- bench:end -->` markers is replaced; everything else
 * (method, hot spots, history) is written by people and left alone.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

/** Replace the generated section of `path` with `markdown` (appending the markers if missing). @param {string} path @param {string} markdown */
export function writeDocsSection(path, markdown) {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Performance\n';
  const block = `${BEGIN}\n${markdown.trim()}\n${END}`;
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start ? current.slice(0, start) + block + current.slice(end + END.length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}
