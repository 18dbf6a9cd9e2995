/**
 * VoiceRecorderBar: takes the composer's place while a voice note is recorded (VoiceRecorder). It
 * starts recording when it appears, shows a running timer against the limit, and offers Cancel
 * (discard; also Escape) and Send. A missing MediaRecorder, a refused permission or no microphone
 * is said plainly, with a way back to typing. At the limit recording stops by itself and the note
 * waits to be sent or discarded. Leaving (switching conversation) discards it and frees the mic.
 */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useI18n } from '../i18n/useI18n';
import { SendIcon } from '../layout/icons';
import { type RecorderEnvironment, VOICE_NOTE_MAX_MS, VoiceRecorder } from './voice-recorder';

/** m:ss */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function VoiceRecorderBar({
  onSend,
  onClose,
  environment,
  maxMs = VOICE_NOTE_MAX_MS,
}: {
  onSend: (file: File) => void;
  onClose: () => void;
  /** Tests pass a fake; the browser's media APIs otherwise. */
  environment?: RecorderEnvironment;
  maxMs?: number;
}) {
  const { t } = useI18n();
  const recorder = useMemo(() => new VoiceRecorder(environment, maxMs), [environment, maxMs]);
  const state = useSyncExternalStore(recorder.subscribe, recorder.getSnapshot);
  const [now, setNow] = useState(() => Date.now());
  const sendButton = useRef<HTMLButtonElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    void recorder.start();
    return () => recorder.cancel();
  }, [recorder]);
  useEffect(() => {
    if (state.kind !== 'recording') return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [state.kind]);
  // The focus follows what can be done next: Send while recording, Close after a refusal.
  useEffect(() => {
    if (state.kind === 'recording' || state.kind === 'stopped') sendButton.current?.focus();
    if (state.kind === 'error') closeButton.current?.focus();
  }, [state.kind]);

  const cancel = () => {
    recorder.cancel();
    onClose();
  };
  const send = async () => {
    const file = await recorder.finish();
    if (file) onSend(file);
    onClose();
  };
  const elapsed =
    state.kind === 'recording' ? Math.min(maxMs, Math.max(0, now - state.startedAt)) : state.kind === 'stopped' ? state.durationMs : 0;

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape anywhere in the bar discards, like the Cancel button
    <div
      className="flex items-center gap-3 px-3 py-2"
      data-testid="voice-recorder"
      data-state={state.kind}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          cancel();
        }
      }}
    >
      {state.kind === 'error' ? (
        <>
          <p role="alert" className="min-w-0 flex-1 text-sm text-red-700 dark:text-red-300" data-testid="voice-error">
            {t(`voice.error.${state.reason}`)}
          </p>
          <button ref={closeButton} type="button" className="btn-secondary" onClick={cancel}>
            {t('voice.close')}
          </button>
        </>
      ) : (
        <>
          <span
            className={`h-3 w-3 shrink-0 rounded-full ${state.kind === 'recording' ? 'animate-pulse bg-red-600' : 'bg-slate-400'}`}
            aria-hidden="true"
          />
          <p className="min-w-0 flex-1 text-sm" role="status" aria-live="polite">
            {state.kind === 'starting' || state.kind === 'idle'
              ? t('voice.starting')
              : state.kind === 'stopped'
                ? t('voice.limitReached', { max: formatDuration(maxMs) })
                : t('voice.recording')}
            <span className="ml-2 font-mono tabular-nums" data-testid="voice-timer">
              {formatDuration(elapsed)} / {formatDuration(maxMs)}
            </span>
          </p>
          <button type="button" className="btn-secondary" onClick={cancel}>
            {t('voice.cancel')}
          </button>
          <button
            ref={sendButton}
            type="button"
            className="btn-primary h-10 px-3"
            disabled={state.kind !== 'recording' && state.kind !== 'stopped'}
            onClick={() => void send()}
            aria-label={t('voice.send')}
          >
            <SendIcon className="h-4 w-4" />
            <span className="hidden sm:inline">{t('voice.send')}</span>
          </button>
        </>
      )}
    </div>
  );
}
