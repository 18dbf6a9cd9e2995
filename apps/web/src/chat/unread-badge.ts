/**
 * The unread total outside the page: "(3) Herald" in the tab title and a red count drawn over the
 * favicon (a canvas → PNG data URL). At 0 both are put back exactly as they were, so a page with
 * nothing unread looks like one that never had a badge. The document is passed in, so tests use a
 * fake one; where a canvas cannot draw (no 2D context), only the title changes.
 */

/** The badge text: '' for none, the count up to 99, then '99+'. */
export function badgeText(count: number): string {
  if (!Number.isFinite(count) || count <= 0) return '';
  return count > 99 ? '99+' : String(Math.floor(count));
}

/** The tab title for `count` unread messages: "(3) Herald", or the base title at 0. */
export function unreadTitle(base: string, count: number): string {
  const text = badgeText(count);
  return text ? `(${text}) ${base}` : base;
}

/** The slice of a 2D canvas context the badge draws with. */
export type BadgeContext = Pick<
  CanvasRenderingContext2D,
  'clearRect' | 'drawImage' | 'beginPath' | 'arc' | 'fill' | 'fillText' | 'fillStyle' | 'font' | 'textAlign' | 'textBaseline'
>;

const SIZE = 32;

/** Draw the icon (if loaded) and a red disc with `text` in its top-right corner. */
export function drawBadge(context: BadgeContext, icon: CanvasImageSource | null, text: string): void {
  context.clearRect(0, 0, SIZE, SIZE);
  if (icon) context.drawImage(icon, 0, 0, SIZE, SIZE);
  const radius = text.length > 2 ? 12 : 10;
  context.beginPath();
  context.arc(SIZE - radius, radius, radius, 0, Math.PI * 2);
  context.fillStyle = '#dc2626';
  context.fill();
  context.fillStyle = '#ffffff';
  context.font = `bold ${text.length > 2 ? 11 : 14}px sans-serif`;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.fillText(text, SIZE - radius, radius + 1);
}

/** What the badge needs from `document`. */
export interface BadgeDocument {
  title: string;
  querySelector(selector: string): Element | null;
  createElement(tag: 'canvas'): HTMLCanvasElement;
}

/**
 * UnreadBadge: `show(count)` sets the title and the favicon; `restore()` puts back both originals.
 * Invariant: the originals are read once, when the badge is made, and never overwritten by a badge.
 */
export class UnreadBadge {
  private readonly baseTitle: string;
  private readonly link: HTMLLinkElement | null;
  private readonly baseHref: string | null;
  private readonly baseType: string | null;
  private icon: HTMLImageElement | null = null;
  private shown = 0;

  constructor(
    private readonly doc: BadgeDocument,
    loadIcon: (href: string) => Promise<HTMLImageElement> = loadImage,
  ) {
    this.baseTitle = doc.title;
    this.link = doc.querySelector('link[rel~="icon"]') as HTMLLinkElement | null;
    this.baseHref = this.link?.getAttribute('href') ?? null;
    this.baseType = this.link?.getAttribute('type') ?? null;
    if (this.baseHref) {
      loadIcon(this.baseHref).then(
        (image) => {
          this.icon = image;
          if (this.shown > 0) this.show(this.shown); // redraw over the real icon
        },
        () => undefined, // a badge on a blank square is still a badge
      );
    }
  }

  /** Show `count` unread messages (0 restores the originals). */
  show(count: number): void {
    this.shown = count;
    this.doc.title = unreadTitle(this.baseTitle, count);
    const text = badgeText(count);
    if (!this.link) return;
    if (!text) {
      this.restoreIcon();
      return;
    }
    const canvas = this.doc.createElement('canvas');
    canvas.width = SIZE;
    canvas.height = SIZE;
    const context = canvas.getContext('2d');
    if (!context) return;
    drawBadge(context, this.icon, text);
    this.link.setAttribute('href', canvas.toDataURL('image/png'));
    this.link.setAttribute('type', 'image/png');
  }

  /** Put back the page's own title and favicon. */
  restore(): void {
    this.shown = 0;
    this.doc.title = this.baseTitle;
    this.restoreIcon();
  }

  private restoreIcon(): void {
    if (!this.link || this.baseHref === null) return;
    this.link.setAttribute('href', this.baseHref);
    if (this.baseType === null) this.link.removeAttribute('type');
    else this.link.setAttribute('type', this.baseType);
  }
}

function loadImage(href: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = reject;
    image.src = href;
  });
}
