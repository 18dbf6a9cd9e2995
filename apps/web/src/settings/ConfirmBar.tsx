/**
 * An inline confirmation (the question, a confirm button and Cancel) for an action that cannot be
 * undone from here, in place of a modal, as the admin's API key revocation does. Cancel takes the
 * focus when it appears, so Enter does not confirm by accident.
 */
import { useEffect, useRef } from 'react';

export function ConfirmBar(props: {
  question: string;
  confirmLabel: string;
  cancelLabel: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <fieldset
      aria-label={props.question}
      className="flex flex-wrap items-center gap-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-100"
    >
      <span className="min-w-0 flex-1 basis-48">{props.question}</span>
      <div className="flex gap-2">
        <button type="button" className="btn-primary py-1" disabled={props.busy} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
        <button ref={cancel} type="button" className="btn-secondary py-1" onClick={props.onCancel}>
          {props.cancelLabel}
        </button>
      </div>
    </fieldset>
  );
}
