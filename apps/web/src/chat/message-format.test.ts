import { describe, expect, it } from 'vitest';
import {
  type Block,
  type Inline,
  inlineText,
  MAX_INLINE_DEPTH,
  MAX_QUOTE_DEPTH,
  parseInline,
  parseMessage,
  safeHref,
} from './message-format';

const text = (value: string): Inline => ({ kind: 'text', text: value });
const link = (href: string, label = href): Inline => ({ kind: 'link', href, children: [text(label)] });
const paragraph = (...children: Inline[]): Block => ({ kind: 'paragraph', children });
/** Every link in a tree. */
function links(nodes: readonly (Inline | Block)[]): string[] {
  const found: string[] = [];
  const walk = (node: Inline | Block) => {
    if (node.kind === 'link') found.push(node.href);
    if ('children' in node) for (const child of node.children as (Inline | Block)[]) walk(child);
    if (node.kind === 'list') for (const item of node.items) for (const child of item) walk(child);
  };
  for (const node of nodes) walk(node);
  return found;
}
function depthOf(nodes: readonly Inline[], kind: 'strong' | 'em' | 'both'): number {
  let max = 0;
  for (const node of nodes) {
    if (node.kind === 'strong' || node.kind === 'em') {
      const own = kind === 'both' || node.kind === kind ? 1 : 0;
      max = Math.max(max, own + depthOf(node.children, kind));
    } else if (node.kind === 'link') max = Math.max(max, depthOf(node.children, kind));
  }
  return max;
}

describe('parseInline: emphasis and code', () => {
  it('parses bold, both italics and inline code', () => {
    expect(parseInline('a **b** _c_ *d* `e`')).toEqual([
      text('a '),
      { kind: 'strong', children: [text('b')] },
      text(' '),
      { kind: 'em', children: [text('c')] },
      text(' '),
      { kind: 'em', children: [text('d')] },
      text(' '),
      { kind: 'code', text: 'e' },
    ]);
  });

  it('nests emphasis: italic inside bold and bold inside italic', () => {
    expect(parseInline('**a _b_ c**')).toEqual([
      { kind: 'strong', children: [text('a '), { kind: 'em', children: [text('b')] }, text(' c')] },
    ]);
    expect(parseInline('*a **b** c*')).toEqual([
      { kind: 'em', children: [text('a '), { kind: 'strong', children: [text('b')] }, text(' c')] },
    ]);
  });

  it('keeps unclosed or unbalanced markers as text', () => {
    for (const input of ['**bold', 'a *b', '_c', '`code', '** x **', 'x ** y', '**', '*', '``', '***']) {
      expect(inlineText(parseInline(input)), input).toBe(input);
    }
    expect(parseInline('**bold')).toEqual([text('**bold')]);
    expect(parseInline('`a``')).toEqual([text('`a``')]);
  });

  it('does not italicise inside words (snake_case, 2*3*4)', () => {
    expect(parseInline('snake_case_name')).toEqual([text('snake_case_name')]);
    expect(parseInline('2*3*4 = 24')).toEqual([text('2*3*4 = 24')]);
    expect(parseInline('a_b_ _c_')).toEqual([text('a_b_ '), { kind: 'em', children: [text('c')] }]);
  });

  it('protects code spans: no formatting, links or mentions inside, and markers in them do not close outside', () => {
    const options = { mentions: [{ userId: 'u1', name: 'Ann' }] };
    expect(parseInline('`**not bold** https://x.test @Ann [a](https://y.test)`', options)).toEqual([
      { kind: 'code', text: '**not bold** https://x.test @Ann [a](https://y.test)' },
    ]);
    expect(parseInline('**a `b**` c**')).toEqual([{ kind: 'strong', children: [text('a '), { kind: 'code', text: 'b**' }, text(' c')] }]);
    expect(parseInline('`` a ` b ``')).toEqual([{ kind: 'code', text: 'a ` b' }]);
    expect(parseInline('`<script>alert(1)</script>`')).toEqual([{ kind: 'code', text: '<script>alert(1)</script>' }]);
  });

  it('honours backslash escapes', () => {
    expect(parseInline('\\*not\\* \\`x\\`')).toEqual([text('*not* `x`')]);
  });

  it(`limits emphasis nesting to ${MAX_INLINE_DEPTH} levels; deeper markers stay text`, () => {
    expect(depthOf(parseInline('**a _b *c* b_ a**'), 'both')).toBe(3);
    // A link label counts as a level: link > strong > em, and the innermost *x* stays text.
    expect(parseInline('[**_*x*_**](https://a.test)')).toEqual([
      {
        kind: 'link',
        href: 'https://a.test/',
        children: [{ kind: 'strong', children: [{ kind: 'em', children: [text('*x*')] }] }],
      },
    ]);
    // A long run of openers is linear-ish and bounded.
    const many = `${'**a '.repeat(5_000)}x`;
    const started = performance.now();
    expect(inlineText(parseInline(many))).toBe(many);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('treats HTML as text', () => {
    expect(parseInline('<b>hi</b> <img src=x onerror=alert(1)>')).toEqual([text('<b>hi</b> <img src=x onerror=alert(1)>')]);
  });
});

describe('parseInline: links', () => {
  it('auto-links bare http(s) URLs and emails', () => {
    expect(parseInline('see https://example.com/a?b=c#d now')).toEqual([text('see '), link('https://example.com/a?b=c#d'), text(' now')]);
    expect(parseInline('mail ann.lee+x@example.co.uk.')).toEqual([
      text('mail '),
      link('mailto:ann.lee+x@example.co.uk', 'ann.lee+x@example.co.uk'),
      text('.'),
    ]);
    expect(parseInline('HTTP://EXAMPLE.COM')).toEqual([link('http://example.com/', 'HTTP://EXAMPLE.COM')]);
  });

  it('leaves trailing punctuation and unbalanced parentheses out of a URL', () => {
    expect(parseInline('go to https://example.com.')).toEqual([
      text('go to '),
      link('https://example.com/', 'https://example.com'),
      text('.'),
    ]);
    expect(parseInline('(see https://example.com/x)')).toEqual([text('(see '), link('https://example.com/x'), text(')')]);
    expect(parseInline('https://en.wikipedia.org/wiki/Foo_(bar)')).toEqual([link('https://en.wikipedia.org/wiki/Foo_(bar)')]);
    expect(parseInline('https://example.com/a, https://example.com/b!?')).toEqual([
      link('https://example.com/a'),
      text(', '),
      link('https://example.com/b'),
      text('!?'),
    ]);
    expect(parseInline('"https://example.com/q"')).toEqual([text('"'), link('https://example.com/q'), text('"')]);
  });

  it('ends a URL at Chinese text and full-width punctuation next to it', () => {
    expect(parseInline('请看https://example.com/a。谢谢')).toEqual([text('请看'), link('https://example.com/a'), text('。谢谢')]);
    expect(parseInline('链接：https://example.com/x，好的')).toEqual([text('链接：'), link('https://example.com/x'), text('，好的')]);
    expect(parseInline('（https://example.com/y）')).toEqual([text('（'), link('https://example.com/y'), text('）')]);
  });

  it('makes [label](url) links only for http, https and mailto', () => {
    expect(parseInline('[docs](https://example.com/docs)')).toEqual([
      { kind: 'link', href: 'https://example.com/docs', children: [text('docs')] },
    ]);
    expect(parseInline('[**bold** label](https://example.com)')).toEqual([
      { kind: 'link', href: 'https://example.com/', children: [{ kind: 'strong', children: [text('bold')] }, text(' label')] },
    ]);
    expect(parseInline('[write](mailto:a@example.com)')).toEqual([
      { kind: 'link', href: 'mailto:a@example.com', children: [text('write')] },
    ]);
    for (const bad of [
      '[click](javascript:alert(1))',
      '[click](JaVaScRiPt:alert(1))',
      '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '[click](vbscript:msgbox)',
      '[click](/relative)',
      '[click](//evil.test)',
      '[click](java\tscript:alert(1))',
      '[click](file:///etc/passwd)',
    ]) {
      const parsed = parseInline(bad);
      expect(links(parsed), bad).toEqual([]);
      expect(inlineText(parsed), bad).toBe(bad.replace('\t', '\t'));
    }
  });

  it('never links javascript: or data: written bare', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'jav&#x61;script:alert(1)']) {
      expect(links(parseInline(bad)), bad).toEqual([]);
    }
  });

  it('does not nest links in link labels', () => {
    const parsed = parseInline('[https://a.test](https://b.test)');
    expect(links(parsed)).toEqual(['https://b.test/']);
  });
});

describe('parseInline: mentions', () => {
  const members = [
    { userId: 'u-ann', name: 'Ann' },
    { userId: 'u-annlee', name: 'Ann Lee' },
    { userId: 'u-zhang', name: '张三' },
  ];

  it('recognises @Name of a mentioned member, case-insensitively, the longest name first', () => {
    expect(parseInline('hi @ann lee and @Ann!', { mentions: members })).toEqual([
      text('hi '),
      { kind: 'mention', text: '@ann lee', userId: 'u-annlee', group: null },
      text(' and '),
      { kind: 'mention', text: '@Ann', userId: 'u-ann', group: null },
      text('!'),
    ]);
    expect(parseInline('@张三，你好', { mentions: members })).toEqual([
      { kind: 'mention', text: '@张三', userId: 'u-zhang', group: null },
      text('，你好'),
    ]);
  });

  it('needs a boundary after the name and is not part of an email', () => {
    expect(parseInline('@Annie', { mentions: members })).toEqual([text('@Annie')]);
    expect(parseInline('@张三你好', { mentions: members })).toEqual([text('@张三你好')]);
    expect(links(parseInline('x@Ann.com', { mentions: members }))).toEqual(['mailto:x@Ann.com']);
    // Nobody mentioned: no mention at all.
    expect(parseInline('@Ann')).toEqual([text('@Ann')]);
  });

  it('makes @all and @here mentions only when the message has a group mention', () => {
    expect(parseInline('@all look', { groupMention: 'all' })).toEqual([
      { kind: 'mention', text: '@all', userId: null, group: 'all' },
      text(' look'),
    ]);
    expect(parseInline('@here.', { groupMention: 'here' })).toEqual([
      { kind: 'mention', text: '@here', userId: null, group: 'here' },
      text('.'),
    ]);
    expect(parseInline('@all look')).toEqual([text('@all look')]);
    expect(parseInline('@allison', { groupMention: 'all' })).toEqual([text('@allison')]);
  });

  it('mentions inside emphasis', () => {
    expect(parseInline('**@Ann**', { mentions: members })).toEqual([
      { kind: 'strong', children: [{ kind: 'mention', text: '@Ann', userId: 'u-ann', group: null }] },
    ]);
  });
});

describe('parseMessage: blocks', () => {
  it('keeps lines of a paragraph and splits paragraphs at blank lines', () => {
    expect(parseMessage('one\ntwo\n\n\nthree')).toEqual([paragraph(text('one\ntwo')), paragraph(text('three'))]);
    expect(parseMessage('a\r\nb')).toEqual([paragraph(text('a\nb'))]);
    expect(parseMessage('')).toEqual([]);
  });

  it('parses fenced code blocks verbatim', () => {
    expect(parseMessage('before\n```ts\nconst a = **1**;\n<b>x</b> https://x.test\n```\nafter')).toEqual([
      paragraph(text('before')),
      { kind: 'code', lang: 'ts', text: 'const a = **1**;\n<b>x</b> https://x.test' },
      paragraph(text('after')),
    ]);
    expect(parseMessage('````\n```\ninner\n```\n````')).toEqual([{ kind: 'code', lang: '', text: '```\ninner\n```' }]);
  });

  it('leaves an unclosed fence as text', () => {
    const blocks = parseMessage('```\nnot closed **b**');
    expect(blocks).toEqual([paragraph(text('```\nnot closed '), { kind: 'strong', children: [text('b')] })]);
  });

  it('parses quotes, nested up to the limit', () => {
    expect(parseMessage('> quoted **x**\n> more\nafter')).toEqual([
      { kind: 'quote', children: [paragraph(text('quoted '), { kind: 'strong', children: [text('x')] }, text('\nmore'))] },
      paragraph(text('after')),
    ]);
    const deep = parseMessage('> > > > > deep');
    let depth = 0;
    let node: Block | undefined = deep[0];
    while (node?.kind === 'quote') {
      depth += 1;
      node = node.children[0];
    }
    expect(depth).toBe(MAX_QUOTE_DEPTH);
    expect(node).toEqual(paragraph(text('> > deep')));
  });

  it('parses bulleted and numbered lists', () => {
    expect(parseMessage('- one\n* two\n+ three')).toEqual([
      { kind: 'list', ordered: false, start: 1, items: [[text('one')], [text('two')], [text('three')]] },
    ]);
    expect(parseMessage('3. c\n4) d\ntext')).toEqual([
      { kind: 'list', ordered: true, start: 3, items: [[text('c')], [text('d')]] },
      paragraph(text('text')),
    ]);
    // A bullet list then a numbered one are two lists.
    expect(parseMessage('- a\n1. b').map((block) => block.kind === 'list' && block.ordered)).toEqual([false, true]);
  });

  it('does not take emphasis or empty markers for list items', () => {
    expect(parseMessage('**bold** start')).toEqual([paragraph({ kind: 'strong', children: [text('bold')] }, text(' start'))]);
    expect(parseMessage('*em* start')[0]?.kind).toBe('paragraph');
    expect(parseMessage('-not a list')).toEqual([paragraph(text('-not a list'))]);
    expect(parseMessage('- ')).toEqual([paragraph(text('- '))]);
  });

  it('links and mentions inside lists and quotes', () => {
    const blocks = parseMessage('- see https://a.test\n> ask @Ann', { mentions: [{ userId: 'u', name: 'Ann' }] });
    expect(links(blocks)).toEqual(['https://a.test/']);
    expect(JSON.stringify(blocks)).toContain('"kind":"mention"');
  });

  it('handles a large hostile message quickly', () => {
    const hostile = ['`'.repeat(3_000), '['.repeat(3_000), '_a'.repeat(2_000), '> '.repeat(1_000), 'https://'.repeat(500)].join('\n');
    const started = performance.now();
    parseMessage(hostile);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('safeHref', () => {
  it('accepts http, https and mailto only', () => {
    expect(safeHref('https://example.com/a b')).toBeNull();
    expect(safeHref('https://example.com/a')).toBe('https://example.com/a');
    expect(safeHref('mailto:a@b.test')).toBe('mailto:a@b.test');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/plain,hi')).toBeNull();
    expect(safeHref('https://')).toBeNull();
    expect(safeHref('\u0000javascript:alert(1)')).toBeNull();
  });
});
