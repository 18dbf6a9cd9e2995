/**
 * useModalDialog: a native `<dialog>` shown modal while the component is mounted — the browser
 * traps the focus inside and turns Escape into `cancel`, which calls `onClose` — and the focus
 * goes back to whatever had it before (the button that opened it) when it unmounts.
 */
import { type RefObject, useEffect, useRef } from 'react';

export function useModalDialog(onClose: () => void): RefObject<HTMLDialogElement | null> {
  const dialog = useRef<HTMLDialogElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const element = dialog.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (element && !element.open) element.showModal?.();
    const onCancel = (event: Event) => {
      event.preventDefault(); // the owner unmounts it; closing here would race React
      close.current();
    };
    element?.addEventListener('cancel', onCancel);
    return () => {
      element?.removeEventListener('cancel', onCancel);
      if (element?.open) element.close?.();
      // After close(): Chromium may move the focus itself; the opener is where it belongs.
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return dialog;
}
