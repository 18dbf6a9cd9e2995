// @vitest-environment happy-dom
import { ErrorCode, HeraldError } from '@herald/protocol';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConversationMessage } from './types';
import { type JumpFailure, useMessageJump } from './useMessageJump';

afterEach(cleanup);

const at = (seq: number) => ({ seq }) as ConversationMessage;

interface View {
  messages: ConversationMessage[];
  loading: boolean;
  error: HeraldError | null;
}

/** The hook over a conversation snapshot the test moves on by hand, with a jumpTo it controls. */
function setup(initial: View, jumpTo: (seq: number) => Promise<void>) {
  const failures: JumpFailure[] = [];
  const hook = renderHook((view: View) => useMessageJump({ ...view, jumpTo }, (failure) => failures.push(failure)), {
    initialProps: initial,
  });
  return { ...hook, failures };
}

describe('useMessageJump', () => {
  it('waits for the first page before asking for the stretch around the message, then focuses it', async () => {
    let loaded: () => void = () => undefined;
    const jumpTo = vi.fn(() => new Promise<void>((resolve) => (loaded = resolve)));
    const { result, rerender, failures } = setup({ messages: [], loading: false, error: null }, jumpTo);
    act(() => result.current.jumpToMessage(20));
    // Focus is there at once (the list holds still), but the store is not asked while its first page is due.
    expect(result.current.focus).toMatchObject({ seq: 20 });
    rerender({ messages: [], loading: true, error: null });
    expect(jumpTo).not.toHaveBeenCalled();
    rerender({ messages: [at(250), at(251)], loading: false, error: null });
    await waitFor(() => expect(jumpTo).toHaveBeenCalledWith(20));
    // The store shows the stretch around it, then its promise resolves.
    rerender({ messages: [at(19), at(20), at(21)], loading: false, error: null });
    await act(async () => loaded());
    expect(result.current.focus).toMatchObject({ seq: 20 });
    expect(failures).toEqual([]);
  });

  it('drops the focus and reports a seq that is no message', async () => {
    const jumpTo = vi.fn(() => Promise.resolve());
    const { result, failures } = setup({ messages: [at(1), at(3)], loading: false, error: null }, jumpTo);
    act(() => result.current.jumpToMessage(2));
    await waitFor(() => expect(failures).toEqual([{ kind: 'missing' }]));
    expect(result.current.focus).toBeNull();
  });

  it('drops the focus and reports a failed load', async () => {
    const refused = new HeraldError(ErrorCode.Forbidden, 'not a member');
    const { result, failures } = setup({ messages: [at(1)], loading: false, error: null }, () => Promise.reject(refused));
    act(() => result.current.jumpToMessage(9));
    await waitFor(() => expect(failures).toEqual([{ kind: 'failed', error: refused }]));
    expect(result.current.focus).toBeNull();
  });

  it('lets the newest jump win: an older one’s answer is ignored', async () => {
    let finishFirst: () => void = () => undefined;
    const jumpTo = vi.fn((seq: number) => (seq === 5 ? new Promise<void>((resolve) => (finishFirst = resolve)) : Promise.resolve()));
    const { result, failures } = setup({ messages: [at(5), at(7)], loading: false, error: null }, jumpTo);
    act(() => result.current.jumpToMessage(5));
    await waitFor(() => expect(jumpTo).toHaveBeenCalledWith(5));
    act(() => result.current.jumpToMessage(6)); // no such message
    await waitFor(() => expect(failures).toEqual([{ kind: 'missing' }]));
    await act(async () => finishFirst());
    expect(result.current.focus).toBeNull();
    expect(failures).toHaveLength(1);
  });

  it('gives every jump a new nonce, even to the same message', () => {
    const { result } = setup({ messages: [at(5)], loading: false, error: null }, () => Promise.resolve());
    act(() => result.current.jumpToMessage(5));
    const first = result.current.focus?.nonce;
    act(() => result.current.jumpToMessage(5));
    expect(result.current.focus?.nonce).not.toBe(first);
  });
});
