/**
 * The virtualised message list (@tanstack/react-virtual: only visible rows are in the DOM, so
 * 10,000 messages scroll smoothly). Behaviour:
 * - opens at the unread divider, else at the newest message;
 * - follows new messages while the user is at the bottom (and always for their own), else counts
 *   them in a "new messages" pill;
 * - loads older pages when scrolled near the top, keeping the visible messages in place;
 * - reports the newest visible seq (for read receipts) while the page is visible;
 * - a jump (`focus`, from useMessageJump): holds still while the stretch around the message loads,
 *   then centres that message and highlights it for a few seconds; it keeps it centred, without
 *   paging, until the user scrolls, types or touches the list, or the highlight ends (paging would
 *   shift the rows under it);
 * - after a jump the view is an older stretch (`hasNewer`): nearing its end loads newer pages
 *   (without following them), and "Jump to latest ↓" goes back to the live end.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n/useI18n';
import { deliveryState } from './delivery-state';
import { MessageBubble } from './MessageBubble';
import type { MessageFailure } from './outbox-messages';
import { buildTimeline, dayLabel, type TimelineRow, unreadIndex } from './timeline';
import type { ConversationMessage } from './types';
import type { MessageFocus } from './useMessageJump';

export interface MessageListProps {
  messages: readonly ConversationMessage[];
  myId: string;
  hasMore: boolean;
  loading: boolean;
  /** My read position when the view opened (the divider goes after it); null for none. */
  unreadAfterSeq: number | null;
  othersReadSeq: number;
  /** The highest seq another member's device confirmed receiving (✓✓ delivered). */
  othersDeliveredSeq: number;
  /** Sender names by user id (groups show them). */
  names: ReadonlyMap<string, string>;
  showSenders: boolean;
  loadOlder: () => void;
  retry: (localId: string) => void;
  /** Why failed messages failed (by local id). */
  failures: ReadonlyMap<string, MessageFailure>;
  /** Put a failed message's text back into the composer (and drop the message). */
  edit: (message: ConversationMessage) => void;
  /** Drop a failed message. */
  discard: (localId: string) => void;
  /** The newest seq on screen, while the page is visible. */
  onSeen: (seq: number) => void;
  /** A message to bring into view and highlight once it is among `messages` (null: none). */
  focus: MessageFocus | null;
  /** The view is an older stretch after a jump: newer messages exist past its end. */
  hasNewer: boolean;
  loadNewer: () => void;
  /** Back to the newest messages and the live stream. */
  jumpToLatest: () => Promise<void>;
}

type Row = TimelineRow<ConversationMessage> | { kind: 'start'; key: 'start' };

const NEAR_TOP_PX = 400;
const NEAR_BOTTOM_PX = 400;
const AT_BOTTOM_PX = 48;
/** How long a jumped-to message stays highlighted. */
const HIGHLIGHT_MS = 4_000;

export function MessageList(props: MessageListProps) {
  const { messages, myId, hasMore, loading, unreadAfterSeq, loadOlder, onSeen, focus, hasNewer, loadNewer, jumpToLatest } = props;
  const { t, locale } = useI18n();
  const rows = useMemo<Row[]>(() => {
    const timeline = buildTimeline(messages, { myId, unreadAfterSeq });
    return !hasMore && messages.length > 0 ? [{ kind: 'start', key: 'start' }, ...timeline] : timeline;
  }, [messages, myId, unreadAfterSeq, hasMore]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const sizerRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (rows[index]?.kind === 'message' ? 64 : 40),
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 8,
    paddingStart: 8,
    paddingEnd: 8,
  });
  const stick = useRef(true);
  const opened = useRef(false);
  const previous = useRef<{ first?: string; last?: string; count: number; total: number; hasNewer: boolean }>({
    count: 0,
    total: 0,
    hasNewer: false,
  });
  const [unseen, setUnseen] = useState(0);
  // The last jump shown; a focus with another nonce is still to show (the view holds still until then).
  const shown = useRef(0);
  const awaitingFocus = focus !== null && focus.nonce !== shown.current;
  // A jumped-to message is being kept centred: no paging until the user moves the view.
  const centring = useRef(false);
  const [highlighted, setHighlighted] = useState<MessageFocus | null>(null);

  const scrollToBottom = useCallback(() => {
    const element = scrollRef.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, []);

  const reportSeen = useCallback(() => {
    const element = scrollRef.current;
    if (!element || document.visibilityState !== 'visible') return;
    const top = element.scrollTop;
    const bottom = top + element.clientHeight;
    let newest = 0;
    for (const item of virtualizer.getVirtualItems()) {
      const row = rows[item.index];
      if (row?.kind === 'message' && item.end > top && item.start < bottom && row.message.seq > newest) newest = row.message.seq;
    }
    if (newest > 0) onSeen(newest);
  }, [rows, virtualizer, onSeen]);

  // Rows changed: open at the right place, keep the view steady on prepend, follow or count appends.
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    // The first *message* (a day separator above it keeps its key when older messages of that day arrive).
    const first = rows.find((row) => row.kind === 'message')?.key;
    const last = rows.at(-1)?.key;
    const before = previous.current;
    if (awaitingFocus) {
      // A jump is on its way: neither open at the bottom nor follow; the focus effect below places the view.
    } else if (!opened.current) {
      if (messages.length > 0) {
        opened.current = true;
        const divider = unreadIndex(rows as TimelineRow<ConversationMessage>[]);
        if (divider > 0) {
          stick.current = false;
          virtualizer.scrollToIndex(divider, { align: 'start' });
        } else scrollToBottom();
      }
    } else if (first !== before.first && before.first !== undefined && rows.some((row) => row.key === before.first)) {
      element.scrollTop += virtualizer.getTotalSize() - before.total;
    } else if (before.hasNewer || hasNewer) {
      // After a jump. Back at the live end by "jump to latest" (or a send), the stretch replaced: follow from the
      // end. A newer page of the older stretch (or the last one, rejoining the live end): read on from here.
      if (!hasNewer && before.first !== undefined && !rows.some((row) => row.key === before.first)) {
        stick.current = true;
        scrollToBottom();
      }
    } else if (last !== before.last && rows.length > before.count) {
      const lastRow = rows.at(-1);
      const mine = lastRow?.kind === 'message' && lastRow.message.senderId === myId;
      if (stick.current || mine) {
        stick.current = true;
        scrollToBottom();
      } else {
        const added = rows.slice(before.count).filter((row) => row.kind === 'message' && row.message.senderId !== myId).length;
        if (added > 0) setUnseen((count) => count + added);
      }
    }
    previous.current = { first, last, count: rows.length, total: virtualizer.getTotalSize(), hasNewer };
  }, [rows, messages.length, myId, virtualizer, scrollToBottom, awaitingFocus, hasNewer]);

  // A jump's message has arrived: centre it (the virtualizer corrects as rows are measured) and highlight it.
  useLayoutEffect(() => {
    if (!focus || focus.nonce === shown.current) return;
    const index = rows.findIndex((row) => row.kind === 'message' && row.message.seq === focus.seq);
    if (index === -1) return;
    shown.current = focus.nonce;
    opened.current = true;
    stick.current = false;
    centring.current = true;
    setUnseen(0);
    setHighlighted(focus);
    virtualizer.scrollToIndex(index, { align: 'center' });
  }, [focus, rows, virtualizer]);

  useEffect(() => {
    if (!highlighted) return;
    // The highlight's end also ends the centring (in case the view was moved without a wheel, touch or key).
    const timer = setTimeout(() => {
      centring.current = false;
      setHighlighted(null);
    }, HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlighted]);

  // Rows are measured after they render (and images load): stay at the bottom while following.
  useEffect(() => {
    const sizer = sizerRef.current;
    if (!sizer || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (stick.current) scrollToBottom();
    });
    observer.observe(sizer);
    return () => observer.disconnect();
  }, [scrollToBottom]);

  // Near the top with more to load (also when the first pages do not fill the view); after a jump, near
  // the end of its stretch with newer ones to load.
  const pageIfNear = useCallback(() => {
    const element = scrollRef.current;
    if (!element || !opened.current || loading || centring.current || awaitingFocus) return;
    if (hasMore && element.scrollTop < NEAR_TOP_PX) loadOlder();
    else if (hasNewer && element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX) loadNewer();
  }, [hasMore, hasNewer, loading, awaitingFocus, loadOlder, loadNewer]);
  useEffect(() => pageIfNear(), [pageIfNear]);

  // The user moving the view themselves ends the centring of a jumped-to message.
  const release = () => {
    if (!centring.current) return;
    centring.current = false;
    pageIfNear();
  };

  const toLatest = () => {
    setHighlighted(null);
    centring.current = false;
    // Follow from here: the latest page replaces the stretch, and the list opens at its end.
    stick.current = true;
    void jumpToLatest().then(scrollToBottom, () => undefined);
  };

  // After every render: the virtualizer re-renders once it knows the viewport and row sizes.
  useEffect(() => reportSeen());

  useEffect(() => {
    const onVisible = () => reportSeen();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, [reportSeen]);

  const onScroll = () => {
    const element = scrollRef.current;
    if (!element) return;
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < AT_BOTTOM_PX;
    // An older stretch's end is not the live end: nothing there to follow.
    stick.current = atBottom && !hasNewer;
    if (atBottom && unseen > 0) setUnseen(0);
    pageIfNear();
    reportSeen();
  };

  const now = Date.now();
  return (
    <div className="relative min-h-0 flex-1">
      <div
        ref={scrollRef}
        onScroll={onScroll}
        onWheel={release}
        onTouchStart={release}
        onPointerDown={release}
        onKeyDown={release}
        className="h-full overflow-y-auto overscroll-contain bg-slate-50 dark:bg-slate-950"
        data-testid="message-list"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the scroll area must be reachable to scroll with the keyboard
        tabIndex={0}
        role="log"
        aria-label={t('chat.conversations')}
        aria-busy={loading}
      >
        <div ref={sizerRef} className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const jumpedTo = highlighted !== null && row.kind === 'message' && row.message.seq === highlighted.seq;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                data-highlighted={jumpedTo || undefined}
                className={`absolute top-0 left-0 w-full ${jumpedTo ? 'message-jumped' : ''}`}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                {renderRow(row, props, { t, locale, now })}
              </div>
            );
          })}
        </div>
        {messages.length === 0 && !loading && <p className="p-8 text-center text-sm text-slate-500">{t('chat.noMessages')}</p>}
      </div>
      {loading && (
        <div className="pointer-events-none absolute inset-x-0 top-2 flex justify-center" role="status">
          <span className="rounded-full bg-white/90 px-3 py-1 text-xs text-slate-600 shadow ring-1 ring-slate-200 dark:bg-slate-800/90 dark:text-slate-300 dark:ring-slate-700">
            {t('chat.loadingOlder')}
          </span>
        </div>
      )}
      {hasNewer && (
        <button
          type="button"
          className="absolute right-4 bottom-3 rounded-full bg-white px-4 py-1.5 text-sm font-medium text-blue-700 shadow-lg ring-1 ring-slate-200 hover:bg-blue-50 dark:bg-slate-800 dark:text-blue-300 dark:ring-slate-700 dark:hover:bg-slate-700"
          data-testid="jump-to-latest"
          onClick={toLatest}
        >
          {t('chat.jumpToLatest')}
        </button>
      )}
      {unseen > 0 && (
        <button
          type="button"
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-blue-600 px-4 py-1.5 text-sm font-medium text-white shadow-lg hover:bg-blue-700"
          data-testid="new-messages-pill"
          onClick={() => {
            stick.current = true;
            setUnseen(0);
            scrollToBottom();
          }}
        >
          {t('chat.newMessagesPill', { count: unseen })}
        </button>
      )}
    </div>
  );
}

function renderRow(row: Row, props: MessageListProps, env: { t: ReturnType<typeof useI18n>['t']; locale: string; now: number }) {
  const { t, locale, now } = env;
  switch (row.kind) {
    case 'start':
      return <p className="py-4 text-center text-xs text-slate-500">{t('chat.beginning')}</p>;
    case 'day':
      return (
        <div className="flex justify-center py-2" data-testid="day-separator">
          <span className="rounded-full bg-slate-200 px-3 py-0.5 text-xs font-medium text-slate-600 dark:bg-slate-800 dark:text-slate-300">
            {dayLabel(row.dayStart, now, locale, { today: t('chat.today'), yesterday: t('chat.yesterday') })}
          </span>
        </div>
      );
    case 'unread':
      return (
        <div className="flex items-center gap-3 px-4 py-2" data-testid="unread-divider">
          <hr className="h-px flex-1 border-0 bg-red-300 dark:bg-red-800" />
          <span className="text-xs font-semibold text-red-600 dark:text-red-400">{t('chat.unreadDivider')}</span>
          <hr className="h-px flex-1 border-0 bg-red-300 dark:bg-red-800" />
        </div>
      );
    case 'message': {
      const { message } = row;
      const mine = message.senderId === props.myId;
      return (
        <div className={row.firstOfGroup ? 'pt-2' : 'pt-0.5'}>
          <MessageBubble
            message={message}
            mine={mine}
            senderName={!mine && props.showSenders && row.firstOfGroup ? (props.names.get(message.senderId) ?? '?') : null}
            delivery={mine ? deliveryState(message, props.othersReadSeq, props.othersDeliveredSeq) : null}
            failure={props.failures.get(message.localId) ?? null}
            onRetry={props.retry}
            onEdit={props.edit}
            onDiscard={props.discard}
          />
        </div>
      );
    }
  }
}
