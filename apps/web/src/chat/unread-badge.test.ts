import { describe, expect, it } from 'vitest';
import { type BadgeContext, type BadgeDocument, badgeText, drawBadge, UnreadBadge, unreadTitle } from './unread-badge';

/** A 2D context that records the text it drew. */
function fakeContext(): BadgeContext & { texts: string[]; images: number } {
  const record = {
    texts: [] as string[],
    images: 0,
    fillStyle: '',
    font: '',
    textAlign: 'start',
    textBaseline: 'alphabetic',
    clearRect() {},
    drawImage() {
      record.images += 1;
    },
    beginPath() {},
    arc() {},
    fill() {},
    fillText(text: string) {
      record.texts.push(text);
    },
  };
  return record as unknown as BadgeContext & { texts: string[]; images: number };
}

function fakeDocument(withIcon = true, canDraw = true) {
  const attributes = new Map<string, string>([
    ['href', '/favicon.svg'],
    ['type', 'image/svg+xml'],
  ]);
  const link = {
    getAttribute: (name: string) => attributes.get(name) ?? null,
    setAttribute: (name: string, value: string) => void attributes.set(name, value),
    removeAttribute: (name: string) => void attributes.delete(name),
  };
  const contexts: ReturnType<typeof fakeContext>[] = [];
  const doc: BadgeDocument = {
    title: 'Herald',
    querySelector: (selector) => (withIcon && selector.includes('icon') ? (link as unknown as Element) : null),
    createElement: () =>
      ({
        width: 0,
        height: 0,
        getContext: () => {
          if (!canDraw) return null;
          const context = fakeContext();
          contexts.push(context);
          return context;
        },
        toDataURL: () => `data:image/png;base64,badge${contexts.at(-1)?.texts.at(-1) ?? ''}`,
      }) as unknown as HTMLCanvasElement,
  };
  return { doc, attributes, contexts };
}

const never = () => new Promise<HTMLImageElement>(() => undefined);

describe('badgeText and unreadTitle', () => {
  it('counts up to 99, then 99+, and nothing at 0 or below', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(-2)).toBe('');
    expect(badgeText(Number.NaN)).toBe('');
    expect(badgeText(1)).toBe('1');
    expect(badgeText(99)).toBe('99');
    expect(badgeText(100)).toBe('99+');
    expect(unreadTitle('Herald', 3)).toBe('(3) Herald');
    expect(unreadTitle('Herald', 0)).toBe('Herald');
  });

  it('draws the count on the icon', () => {
    const context = fakeContext();
    drawBadge(context, {} as CanvasImageSource, '7');
    expect(context.images).toBe(1);
    expect(context.texts).toEqual(['7']);
  });
});

describe('UnreadBadge', () => {
  it('sets the title and a PNG favicon with the count, and restores both at 0', () => {
    const { doc, attributes } = fakeDocument();
    const badge = new UnreadBadge(doc, never);
    badge.show(3);
    expect(doc.title).toBe('(3) Herald');
    expect(attributes.get('href')).toBe('data:image/png;base64,badge3');
    expect(attributes.get('type')).toBe('image/png');
    badge.show(120);
    expect(doc.title).toBe('(99+) Herald');
    expect(attributes.get('href')).toBe('data:image/png;base64,badge99+');
    badge.show(0);
    expect(doc.title).toBe('Herald');
    expect(attributes.get('href')).toBe('/favicon.svg');
    expect(attributes.get('type')).toBe('image/svg+xml');
  });

  it('restore() puts back the originals, and a badge never becomes the base title', () => {
    const { doc, attributes } = fakeDocument();
    const badge = new UnreadBadge(doc, never);
    badge.show(2);
    badge.show(5);
    badge.restore();
    expect(doc.title).toBe('Herald');
    expect(attributes.get('href')).toBe('/favicon.svg');
  });

  it('redraws over the real icon once it has loaded', async () => {
    const { doc, contexts } = fakeDocument();
    let loaded: (image: HTMLImageElement) => void = () => undefined;
    const badge = new UnreadBadge(doc, () => new Promise((resolve) => (loaded = resolve)));
    badge.show(4);
    expect(contexts.at(-1)?.images).toBe(0);
    loaded({} as HTMLImageElement);
    await Promise.resolve();
    await Promise.resolve();
    expect(contexts.at(-1)?.images).toBe(1);
    expect(contexts.at(-1)?.texts).toEqual(['4']);
  });

  it('changes only the title without a favicon link or a 2D context', () => {
    const none = fakeDocument(false);
    new UnreadBadge(none.doc, never).show(1);
    expect(none.doc.title).toBe('(1) Herald');
    const blind = fakeDocument(true, false);
    new UnreadBadge(blind.doc, never).show(1);
    expect(blind.doc.title).toBe('(1) Herald');
    expect(blind.attributes.get('href')).toBe('/favicon.svg');
  });
});
