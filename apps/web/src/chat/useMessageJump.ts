/**
 * useMessageJump: one conversation view's jumps to a message (a permalink, a search hit, a
 * reply's quote). A jump waits until the view's first page is in (a jump racing it would mix the
 * two stretches), asks the store for the page around the seq (`jumpTo`, which does nothing when it
 * is loaded), then leaves `focus` for the list to scroll to and highlight — or, when that seq is no
 * message (deleted by retention, never was), drops it and calls `onMissing`.
 * Invariants: the newest jump wins (an older one's answer is ignored); `focus` is set from the
 * moment of asking, so the list holds still meanwhile instead of scrolling to the bottom; it is
 * null again as soon as the jump failed.
 */
import type { HeraldError } from '@herald/protocol';
import type { UseConversation } from '@herald/react';
import { useCallback, useEffect, useRef, useState } from 'react';

/** The message the list should bring into view; a new `nonce` for every jump, even to the same seq. */
export interface MessageFocus {
  seq: number;
  nonce: number;
}

interface Jump extends MessageFocus {
  phase: 'waiting' | 'loading' | 'loaded';
}

/** Why a jump found nothing: no such message, or the store's request failed. */
export type JumpFailure = { kind: 'missing' } | { kind: 'failed'; error: HeraldError };

export function useMessageJump(
  conversation: Pick<UseConversation, 'messages' | 'loading' | 'error' | 'jumpTo'>,
  onFailure: (failure: JumpFailure) => void,
): { focus: MessageFocus | null; jumpToMessage: (seq: number) => void } {
  const { messages, loading, error, jumpTo } = conversation;
  const [jump, setJump] = useState<Jump | null>(null);
  const [focus, setFocus] = useState<MessageFocus | null>(null);
  const nonce = useRef(0);
  const sawLoading = useRef(false);
  const failed = useRef(onFailure);
  failed.current = onFailure;

  const jumpToMessage = useCallback((seq: number) => {
    nonce.current += 1;
    setJump({ seq, nonce: nonce.current, phase: 'waiting' });
    setFocus({ seq, nonce: nonce.current });
  }, []);

  const drop = useCallback((of: number, failure: JumpFailure) => {
    setJump((current) => (current?.nonce === of ? null : current));
    setFocus((current) => (current?.nonce === of ? null : current));
    if (nonce.current === of) failed.current(failure);
  }, []);

  // Waiting → loading: once the first page is in (or failed), ask for the page around the seq.
  useEffect(() => {
    if (loading) sawLoading.current = true;
    if (jump?.phase !== 'waiting' || loading) return;
    if (messages.length === 0 && !sawLoading.current && !error) return;
    const asked = jump;
    setJump({ ...asked, phase: 'loading' });
    jumpTo(asked.seq).then(
      () => setJump((current) => (current?.nonce === asked.nonce ? { ...asked, phase: 'loaded' } : current)),
      (reason: HeraldError) => drop(asked.nonce, { kind: 'failed', error: reason }),
    );
  }, [jump, loading, messages.length, error, jumpTo, drop]);

  // Loaded: the store's snapshot now has the stretch around the seq; is the message in it?
  useEffect(() => {
    if (jump?.phase !== 'loaded') return;
    if (messages.some((message) => message.seq === jump.seq)) setJump(null);
    else drop(jump.nonce, { kind: 'missing' });
  }, [jump, messages, drop]);

  return { focus, jumpToMessage };
}
