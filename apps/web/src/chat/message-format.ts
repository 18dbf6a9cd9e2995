/**
 * Message formatting: a message's text parsed into a small AST for a safe subset of Markdown —
 * **bold**, _italic_ / *italic*, `code`, ``` fenced blocks ```, `> ` quotes, `- ` / `* ` / `1. `
 * lists, [label](url) links, bare URLs and emails auto-linked, and @mentions of the members the
 * server resolved (plus @all / @here when the message carries a group mention).
 * Invariants: the AST holds text, never HTML (FormattedText renders it with React elements); a
 * link's href is always http:, https: or mailto: (anything else stays text); code keeps its content
 * verbatim (no formatting, links or mentions inside); quotes nest at most MAX_QUOTE_DEPTH and
 * emphasis at most MAX_INLINE_DEPTH deep (deeper markers stay text); an unclosed marker is text;
 * the work is about linear in the text's length (failed searches for a closer are remembered).
 */
import type { GroupMention } from '@herald/protocol';

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'strong'; children: Inline[] }
  | { kind: 'em'; children: Inline[] }
  | { kind: 'code'; text: string }
  | { kind: 'link'; href: string; children: Inline[] }
  /** `userId` for a member, `group` for @all / @here; `text` is as typed (with the @). */
  | { kind: 'mention'; text: string; userId: string | null; group: GroupMention | null };

export type Block =
  | { kind: 'paragraph'; children: Inline[] }
  | { kind: 'code'; text: string; lang: string }
  | { kind: 'quote'; children: Block[] }
  | { kind: 'list'; ordered: boolean; start: number; items: Inline[][] };

export interface FormatOptions {
  /** Members the message mentions (their ids from `message.mentions`, names from the member list). */
  mentions?: readonly { userId: string; name: string }[];
  /** The message's group mention: `@all` / `@here` become mentions only when it is set. */
  groupMention?: GroupMention | null;
}

/** Quotes inside quotes, at most. */
export const MAX_QUOTE_DEPTH = 3;
/** Emphasis inside emphasis (or a link label), at most. */
export const MAX_INLINE_DEPTH = 3;
const MAX_LINK_LABEL = 1_000;
const MAX_LINK_URL = 2_048;

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The URL to link to, or null when it is not an absolute http(s) or mailto URL. */
export function safeHref(url: string): string | null {
  // No whitespace or control characters at all: browsers strip some of them before reading the scheme.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (!url || /[\s\u0000-\u001f\u007f]/.test(url)) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!SAFE_PROTOCOLS.has(parsed.protocol)) return null;
  if (parsed.protocol !== 'mailto:' && !parsed.hostname) return null;
  return parsed.href;
}

/** Parse a message's text. */
export function parseMessage(text: string, options: FormatOptions = {}): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return parseBlocks(lines, 0, inlineContext(options));
}

// ---------------------------------------------------------------------------------------------
// Blocks

const FENCE = /^ {0,3}(`{3,})([^`]*)$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^ {0,3}(?:([-*+])|(\d{1,9})[.)])[ \t]+(\S.*)$/;

function parseBlocks(lines: readonly string[], depth: number, context: InlineContext): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      i += 1;
      continue;
    }
    const fence = fenceAt(lines, i);
    if (fence) {
      blocks.push({ kind: 'code', lang: fence.lang, text: lines.slice(i + 1, fence.end).join('\n') });
      i = fence.end + 1;
      continue;
    }
    if (depth < MAX_QUOTE_DEPTH && QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length) {
        const match = QUOTE.exec(lines[i] ?? '');
        if (!match) break;
        inner.push(match[1] ?? '');
        i += 1;
      }
      blocks.push({ kind: 'quote', children: parseBlocks(inner, depth + 1, context) });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = item[2] !== undefined;
      const items: Inline[][] = [];
      while (i < lines.length) {
        const next = LIST_ITEM.exec(lines[i] ?? '');
        if (!next || (next[2] !== undefined) !== ordered) break;
        items.push(parseInline(next[3] ?? '', context));
        i += 1;
      }
      blocks.push({ kind: 'list', ordered, start: ordered ? Number(item[2]) : 1, items });
      continue;
    }
    const paragraph: string[] = [line];
    i += 1;
    while (i < lines.length && !startsBlock(lines, i, depth)) {
      paragraph.push(lines[i] ?? '');
      i += 1;
    }
    blocks.push({ kind: 'paragraph', children: parseInline(paragraph.join('\n'), context) });
  }
  return blocks;
}

/** A paragraph ends at a blank line or where another block starts. */
function startsBlock(lines: readonly string[], index: number, depth: number): boolean {
  const line = lines[index] ?? '';
  return line.trim() === '' || (depth < MAX_QUOTE_DEPTH && QUOTE.test(line)) || LIST_ITEM.test(line) || fenceAt(lines, index) !== null;
}

/** A fence that opens at `index` and is closed further down (an unclosed fence is ordinary text). */
function fenceAt(lines: readonly string[], index: number): { lang: string; end: number } | null {
  const open = FENCE.exec(lines[index] ?? '');
  if (!open) return null;
  const ticks = open[1]?.length ?? 3;
  for (let j = index + 1; j < lines.length; j++) {
    const close = /^ {0,3}(`{3,})\s*$/.exec(lines[j] ?? '');
    if (close && (close[1]?.length ?? 0) >= ticks) return { lang: (open[2] ?? '').trim(), end: j };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Inline

interface InlineContext {
  /** Mentionable names, longest first (so "Ann Lee" wins over "Ann"). */
  names: { userId: string; name: string; lower: string }[];
  groupMention: GroupMention | null;
}

function inlineContext(options: FormatOptions): InlineContext {
  const names = (options.mentions ?? [])
    .filter((m) => m.name.trim() !== '')
    .map((m) => ({ userId: m.userId, name: m.name, lower: m.name.toLowerCase() }))
    .sort((a, b) => b.name.length - a.name.length);
  return { names, groupMention: options.groupMention ?? null };
}

/** Parse inline text. */
export function parseInline(text: string, context: InlineContext | FormatOptions = {}): Inline[] {
  const ctx = 'names' in context ? context : inlineContext(context);
  return new InlineParser(text, ctx).parse(0, text.length, 0, true);
}

const WHITESPACE = /\s/u;
const WORD = /[\p{L}\p{N}]/u;
const ASCII_PUNCT = /[!-/:-@[-`{-~]/;
/** Ends a mention: the end, whitespace or punctuation (as the server resolves them). */
const MENTION_END = /[\s\p{P}\p{S}]/u;
const EMAIL_LOCAL = /[A-Za-z0-9._%+-]/;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}/y;
/** Characters a bare URL never contains: whitespace, quotes and brackets of HTML, and CJK text or full-width punctuation next to it. */
const URL_STOP = /[\s<>"`\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]/u;
const URL_TRAILING = /[.,:;!?'"*_~]/;

class InlineParser {
  /** Per (delimiter, range end): the position from which no closer exists. */
  private readonly noCloser = new Map<string, number>();

  constructor(
    private readonly text: string,
    private readonly context: InlineContext,
  ) {}

  parse(start: number, end: number, depth: number, links: boolean): Inline[] {
    const out: Inline[] = [];
    const { text } = this;
    let plain = '';
    const flush = () => {
      if (plain) out.push({ kind: 'text', text: plain });
      plain = '';
    };
    let i = start;
    while (i < end) {
      const c = text[i] ?? '';
      if (c === '\\' && i + 1 < end && ASCII_PUNCT.test(text[i + 1] ?? '')) {
        plain += text[i + 1];
        i += 2;
        continue;
      }
      if (c === '`') {
        const run = runLength(text, i, '`', end);
        const close = this.findTicks(i + run, end, run);
        if (close < 0) {
          plain += text.slice(i, i + run);
          i += run;
          continue;
        }
        flush();
        out.push({ kind: 'code', text: trimCode(text.slice(i + run, close)) });
        i = close + run;
        continue;
      }
      if ((c === '*' || c === '_') && depth < MAX_INLINE_DEPTH) {
        const strong = c === '*' && text[i + 1] === '*';
        const size = strong ? 2 : 1;
        if (this.canOpen(i, size, end, c)) {
          const close = this.findCloser(i + size, end, c, size);
          if (close > i + size) {
            flush();
            out.push({ kind: strong ? 'strong' : 'em', children: this.parse(i + size, close, depth + 1, links) });
            i = close + size;
            continue;
          }
        }
        // Not emphasis: the marker is text (one character, so "**x*" can still be "*" + em).
        plain += c;
        i += 1;
        continue;
      }
      if (c === '[' && links && depth < MAX_INLINE_DEPTH) {
        const link = this.linkAt(i, end);
        if (link) {
          flush();
          out.push({ kind: 'link', href: link.href, children: this.parse(i + 1, link.labelEnd, depth + 1, false) });
          i = link.end;
          continue;
        }
      }
      if (c === '@' && !EMAIL_LOCAL.test(text[i - 1] ?? ' ')) {
        const mention = this.mentionAt(i, end);
        if (mention) {
          flush();
          out.push(mention);
          i += mention.text.length;
          continue;
        }
      }
      if (links && (c === 'h' || c === 'H') && !/[A-Za-z0-9]/.test(text[i - 1] ?? ' ')) {
        const url = this.urlAt(i, end);
        if (url) {
          flush();
          out.push({ kind: 'link', href: url.href, children: [{ kind: 'text', text: url.text }] });
          i += url.text.length;
          continue;
        }
      }
      if (links && EMAIL_LOCAL.test(c) && !EMAIL_LOCAL.test(text[i - 1] ?? ' ') && text[i - 1] !== '@') {
        EMAIL.lastIndex = i;
        const match = EMAIL.exec(text);
        if (match && i + match[0].length <= end) {
          const href = safeHref(`mailto:${match[0]}`);
          if (href) {
            flush();
            out.push({ kind: 'link', href, children: [{ kind: 'text', text: match[0] }] });
            i += match[0].length;
            continue;
          }
        }
      }
      plain += c;
      i += 1;
    }
    flush();
    return out;
  }

  /** An opener: followed by non-whitespace; a single marker also not inside a word ("snake_case", "2*3*4"). */
  private canOpen(i: number, size: number, end: number, marker: string): boolean {
    const after = this.text[i + size];
    if (i + size >= end || after === undefined || WHITESPACE.test(after)) return false;
    if (size === 1 && WORD.test(this.text[i - 1] ?? ' ')) return false;
    if (size === 1 && after === marker) return false;
    return true;
  }

  /** The closing marker's position in [from, end), skipping code spans and escapes; -1 when none. */
  private findCloser(from: number, end: number, marker: string, size: number): number {
    const key = `${marker}${size}:${end}`;
    const known = this.noCloser.get(key);
    if (known !== undefined && from >= known) return -1;
    const { text } = this;
    let i = from;
    while (i < end) {
      const c = text[i];
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '`') {
        const run = runLength(text, i, '`', end);
        const close = this.findTicks(i + run, end, run);
        i = close < 0 ? i + run : close + run;
        continue;
      }
      if (c === marker) {
        const run = runLength(text, i, marker, end);
        // A single marker never closes on a double one (that is strong's), nor a double on a single.
        if (run >= size && (size === 2 || run === 1) && this.canClose(i, size, end)) return i;
        i += run;
        continue;
      }
      i += 1;
    }
    this.noCloser.set(key, Math.min(known ?? from, from));
    return -1;
  }

  /** A closer: after non-whitespace; a single marker also not followed by a letter or digit. */
  private canClose(i: number, size: number, end: number): boolean {
    const before = this.text[i - 1] ?? ' ';
    if (WHITESPACE.test(before)) return false;
    if (size === 1 && i + 1 < end && WORD.test(this.text[i + 1] ?? '')) return false;
    return true;
  }

  /** The start of the next run of exactly `run` backticks in [from, end), or -1. */
  private findTicks(from: number, end: number, run: number): number {
    const key = `\`${run}:${end}`;
    const known = this.noCloser.get(key);
    if (known !== undefined && from >= known) return -1;
    let i = from;
    while (i < end) {
      if (this.text[i] === '`') {
        const length = runLength(this.text, i, '`', end);
        if (length === run) return i;
        i += length;
      } else i += 1;
    }
    this.noCloser.set(key, Math.min(known ?? from, from));
    return -1;
  }

  /** `[label](url)` with a safe url; null otherwise (it then stays text). */
  private linkAt(i: number, end: number): { href: string; labelEnd: number; end: number } | null {
    const { text } = this;
    const labelEnd = text.indexOf(']', i + 1);
    if (labelEnd < 0 || labelEnd >= end || labelEnd - i > MAX_LINK_LABEL || labelEnd === i + 1) return null;
    if (text.slice(i + 1, labelEnd).includes('[')) return null;
    if (text[labelEnd + 1] !== '(') return null;
    let open = 1;
    let j = labelEnd + 2;
    const limit = Math.min(end, j + MAX_LINK_URL);
    for (; j < limit && open > 0; j++) {
      const c = text[j] ?? '';
      if (WHITESPACE.test(c)) return null;
      if (c === '(') open += 1;
      else if (c === ')') open -= 1;
    }
    if (open > 0) return null;
    const href = safeHref(text.slice(labelEnd + 2, j - 1));
    return href ? { href, labelEnd, end: j } : null;
  }

  /** A bare http(s) URL starting at i (trailing punctuation and unbalanced brackets left out), or null. */
  private urlAt(i: number, end: number): { text: string; href: string } | null {
    const { text } = this;
    const head = text.slice(i, i + 8).toLowerCase();
    if (!head.startsWith('http://') && !head.startsWith('https://')) return null;
    let j = i;
    while (j < end && !URL_STOP.test(text[j] ?? ' ')) j += 1;
    let candidate = text.slice(i, j);
    for (;;) {
      const last = candidate.at(-1) ?? '';
      if (URL_TRAILING.test(last)) candidate = candidate.slice(0, -1);
      else if (last === ')' && count(candidate, ')') > count(candidate, '(')) candidate = candidate.slice(0, -1);
      else if (last === ']' && count(candidate, ']') > count(candidate, '[')) candidate = candidate.slice(0, -1);
      else break;
    }
    const href = safeHref(candidate);
    return href ? { text: candidate, href } : null;
  }

  /** `@name` of a mentioned member (longest name first) or `@all` / `@here`, ending at a word boundary. */
  private mentionAt(i: number, end: number): Extract<Inline, { kind: 'mention' }> | null {
    const { text, context } = this;
    const ends = (at: number) => at >= end || MENTION_END.test(text[at] ?? ' ');
    if (context.groupMention) {
      for (const group of ['all', 'here'] as const) {
        const word = text.slice(i + 1, i + 1 + group.length);
        if (word.toLowerCase() === group && ends(i + 1 + group.length)) {
          return { kind: 'mention', text: `@${word}`, userId: null, group };
        }
      }
    }
    for (const member of context.names) {
      const after = i + 1 + member.name.length;
      if (after > end) continue;
      const word = text.slice(i + 1, after);
      if (word.toLowerCase() === member.lower && ends(after))
        return { kind: 'mention', text: `@${word}`, userId: member.userId, group: null };
    }
    return null;
  }
}

function runLength(text: string, i: number, char: string, end: number): number {
  let j = i;
  while (j < end && text[j] === char) j += 1;
  return j - i;
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n += 1;
  return n;
}

/** As CommonMark: one space on each side of a code span's content is dropped when both are there ("`` `x` ``"). */
function trimCode(code: string): string {
  return code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '' ? code.slice(1, -1) : code;
}

/** The plain text of inline nodes (for titles and previews). */
export function inlineText(nodes: readonly Inline[]): string {
  return nodes
    .map((node) => {
      switch (node.kind) {
        case 'text':
        case 'code':
        case 'mention':
          return node.text;
        default:
          return inlineText(node.children);
      }
    })
    .join('');
}
