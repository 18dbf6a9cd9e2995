/**
 * snippetParts: a search snippet cut into plain and highlighted runs, built from the server's
 * character ranges (never from markup), so the panel renders `<mark>` elements without parsing HTML.
 * Invariants: the parts' texts joined give the snippet's text exactly; ranges are clamped to the
 * text, sorted, and merged where they overlap or touch; no range edge splits a surrogate pair (an
 * edge inside one widens to take the whole character); empty parts are never returned.
 */

/** A highlighted stretch: [start, end) in UTF-16 code units, as the protocol's `Snippet` has them. */
export interface HighlightRange {
  start: number;
  end: number;
}

/** One run of a snippet. */
export interface SnippetPart {
  text: string;
  highlight: boolean;
}

/** The snippet as alternating plain and highlighted runs. */
export function snippetParts(text: string, highlights: readonly HighlightRange[]): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let at = 0;
  for (const { start, end } of normalizeRanges(text, highlights)) {
    if (start > at) parts.push({ text: text.slice(at, start), highlight: false });
    parts.push({ text: text.slice(start, end), highlight: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), highlight: false });
  return parts;
}

/** The ranges clamped to `text`, widened to whole characters, sorted and merged; empty ones dropped. */
export function normalizeRanges(text: string, highlights: readonly HighlightRange[]): HighlightRange[] {
  const clean: HighlightRange[] = [];
  for (const range of highlights) {
    if (!Number.isFinite(range.start) || !Number.isFinite(range.end)) continue;
    const start = widenStart(text, clamp(Math.floor(range.start), text.length));
    const end = widenEnd(text, clamp(Math.ceil(range.end), text.length));
    if (end > start) clean.push({ start, end });
  }
  clean.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: HighlightRange[] = [];
  for (const range of clean) {
    const last = merged.at(-1);
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(value, 0), max);
}

/** Between the two halves of a surrogate pair: true when `index` points at a low surrogate after a high one. */
function insidePair(text: string, index: number): boolean {
  if (index <= 0 || index >= text.length) return false;
  const low = text.charCodeAt(index);
  const high = text.charCodeAt(index - 1);
  return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
}

function widenStart(text: string, start: number): number {
  return insidePair(text, start) ? start - 1 : start;
}

function widenEnd(text: string, end: number): number {
  return insidePair(text, end) ? end + 1 : end;
}
