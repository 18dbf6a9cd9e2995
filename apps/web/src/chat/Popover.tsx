/**
 * Popover: a floating panel (menu, emoji picker) in a portal on document.body, fixed next to its
 * anchor element: below it, or above when there is no room below, kept inside the viewport. It
 * closes on Escape (focus goes back to the anchor), on a pointer press outside it and when the page
 * scrolls or resizes (its place would be stale). In a portal because message rows are transformed
 * siblings in the virtual list: a panel inside one would be painted under the next row.
 */
import { type ReactNode, type RefObject, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';

export interface PopoverProps {
  anchor: RefObject<HTMLElement | null>;
  onClose: () => void;
  /** Line up with the anchor's right edge (my messages) or left edge. */
  align: 'start' | 'end';
  children: ReactNode;
  role?: 'menu' | 'dialog';
  label: string;
  testId?: string;
}

const GAP = 4;
const MARGIN = 8;

export function Popover({ anchor, onClose, align, children, role = 'dialog', label, testId }: PopoverProps) {
  const panel = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<{ top: number; left: number } | null>(null);
  const close = useRef(onClose);
  close.current = onClose;

  useLayoutEffect(() => {
    const target = anchor.current;
    const element = panel.current;
    if (!target || !element) return;
    const a = target.getBoundingClientRect();
    const p = element.getBoundingClientRect();
    const below = a.bottom + GAP;
    const top = below + p.height <= window.innerHeight - MARGIN || a.top - GAP - p.height < MARGIN ? below : a.top - GAP - p.height;
    const wanted = align === 'end' ? a.right - p.width : a.left;
    const left = Math.min(Math.max(MARGIN, wanted), Math.max(MARGIN, window.innerWidth - MARGIN - p.width));
    setPlace({ top: Math.max(MARGIN, Math.min(top, window.innerHeight - MARGIN - p.height)), left });
  }, [anchor, align]);

  useEffect(() => {
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (panel.current?.contains(target) || anchor.current?.contains(target)) return;
      close.current();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      close.current();
      anchor.current?.focus();
    };
    const onMove = (event: Event) => {
      if (event.type === 'scroll' && panel.current?.contains(event.target as Node)) return;
      close.current();
    };
    document.addEventListener('pointerdown', onPointer, true);
    document.addEventListener('keydown', onKey, true);
    window.addEventListener('scroll', onMove, true);
    window.addEventListener('resize', onMove);
    return () => {
      document.removeEventListener('pointerdown', onPointer, true);
      document.removeEventListener('keydown', onKey, true);
      window.removeEventListener('scroll', onMove, true);
      window.removeEventListener('resize', onMove);
    };
  }, [anchor]);

  // Focus the first control inside once placed (keyboard users land in the menu).
  useEffect(() => {
    if (place) panel.current?.querySelector<HTMLElement>('button:not([disabled])')?.focus();
  }, [place]);

  return createPortal(
    // biome-ignore lint/a11y/useAriaPropsSupportedByRole: the role is a prop (menu or dialog), both of which take a label
    <div
      ref={panel}
      role={role}
      aria-label={label}
      data-testid={testId}
      className="fixed z-50 rounded-xl bg-white p-1 text-slate-900 shadow-lg ring-1 ring-slate-200 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700"
      style={place ? { top: place.top, left: place.left } : { top: 0, left: 0, visibility: 'hidden' }}
    >
      {children}
    </div>,
    document.body,
  );
}
