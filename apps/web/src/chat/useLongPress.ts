/**
 * useLongPress: a touch press held for LONG_PRESS_MS without moving calls `onLongPress` (the
 * message menu on phones). Mouse and pen presses are left alone (they have hover and a right
 * click); moving more than MOVE_SLOP_PX (a scroll) or lifting the finger cancels it, and the
 * context menu the browser would open for the same press is suppressed.
 */
import { type PointerEvent, useCallback, useEffect, useRef } from 'react';

export const LONG_PRESS_MS = 500;
const MOVE_SLOP_PX = 10;

export interface LongPressHandlers {
  onPointerDown: (event: PointerEvent) => void;
  onPointerMove: (event: PointerEvent) => void;
  onPointerUp: () => void;
  onPointerCancel: () => void;
  onContextMenu: (event: { preventDefault: () => void }) => void;
}

export function useLongPress(onLongPress: () => void, enabled = true): LongPressHandlers {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const start = useRef<{ x: number; y: number } | null>(null);
  const fired = useRef(false);
  const callback = useRef(onLongPress);
  callback.current = onLongPress;

  const cancel = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    start.current = null;
  }, []);
  useEffect(() => cancel, [cancel]);

  return {
    onPointerDown: (event) => {
      if (!enabled || event.pointerType !== 'touch') return;
      cancel();
      fired.current = false;
      start.current = { x: event.clientX, y: event.clientY };
      timer.current = setTimeout(() => {
        timer.current = null;
        fired.current = true;
        callback.current();
      }, LONG_PRESS_MS);
    },
    onPointerMove: (event) => {
      const from = start.current;
      if (from && Math.hypot(event.clientX - from.x, event.clientY - from.y) > MOVE_SLOP_PX) cancel();
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    onContextMenu: (event) => {
      if (timer.current || fired.current) event.preventDefault();
    },
  };
}
