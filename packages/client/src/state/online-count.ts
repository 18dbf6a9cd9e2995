/**
 * OnlineCountStore: how many members of one conversation are online (`conversation_presence`), what
 * a large group shows instead of a presence dot per member. Asked when the store starts on a ready
 * connection, on every `connected`, and every `refreshMs` (30 s) while something shows it; cheap on
 * the server (a loop over its cached member list). The snapshot is `{ members, online }` or null
 * until the first answer. Invariant: an answer that arrives after the store stopped, or after a
 * newer question, is dropped.
 */
import type { TimerHandle, Timers } from '../environment.js';
import type { HeraldClient } from '../herald-client.js';
import type { ClientPort } from './client-port.js';
import { ExternalStore } from './external-store.js';
import { perClient } from './per-client.js';

export interface OnlineCount {
  members: number;
  online: number;
}

export const ONLINE_COUNT_REFRESH_MS = 30_000;

export class OnlineCountStore extends ExternalStore<OnlineCount | null> {
  private stops: (() => void)[] = [];
  private generation = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly client: ClientPort,
    private readonly conversationId: string,
    timers?: Timers,
    private readonly refreshMs = ONLINE_COUNT_REFRESH_MS,
  ) {
    super(null, timers);
  }

  protected onStart(): void {
    const tick = () => {
      this.timer = this.timers.setTimeout(tick, this.refreshMs);
      void this.ask();
    };
    this.timer = this.timers.setTimeout(tick, this.refreshMs);
    this.stops = [
      () => {
        if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
        this.timer = undefined;
      },
      this.client.subscribe((state, previous) => {
        if (state.status === 'connected' && previous.status !== 'connected') void this.ask();
      }),
    ];
    void this.ask();
  }

  protected onStop(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.generation++;
  }

  private async ask(): Promise<void> {
    if (this.client.getState().status !== 'connected') return;
    const generation = ++this.generation;
    try {
      const { members, online } = await this.client.request('conversation_presence', { conversationId: this.conversationId });
      if (generation !== this.generation) return;
      const current = this.getSnapshot();
      if (current?.members !== members || current.online !== online) this.setState(Object.freeze({ members, online }));
    } catch {
      // Not a member any more, or the connection dropped: the next `connected` or tick asks again.
    }
  }
}

/** The client's OnlineCountStore of one conversation. */
export function onlineCountStoreFor(client: HeraldClient, conversationId: string): OnlineCountStore {
  return perClient(client, `online-count:${conversationId}`, () => new OnlineCountStore(client, conversationId));
}
