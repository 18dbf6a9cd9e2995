/**
 * SessionStore: who this client is signed in as, from the server's `connected` frame (kept across
 * disconnects, replaced on the next `connected`). HeraldProvider keeps it started for the app's
 * lifetime, so it sees the first `connected` even when no page component listens yet.
 */

import type { ServerFrameOf, User } from '@herald/protocol';
import type { HeraldClient } from '../herald-client.js';
import type { ClientPort } from './client-port.js';
import { ExternalStore } from './external-store.js';
import { perClient } from './per-client.js';

/** The signed-in user and this connection's id, or null before the first `connected`. */
export type Session = { readonly user: User; readonly connectionId: string } | null;

export class SessionStore extends ExternalStore<Session> {
  private stop: (() => void) | null = null;

  constructor(private readonly client: ClientPort) {
    super(null);
  }

  /** The signed-in user's id, or null while unknown. */
  get userId(): string | null {
    return this.getSnapshot()?.user.id ?? null;
  }

  protected onStart(): void {
    this.stop = this.client.on('connected', (frame: ServerFrameOf<'connected'>) =>
      this.setState({ user: frame.data.user, connectionId: frame.data.connectionId }),
    );
  }

  protected onStop(): void {
    this.stop?.();
    this.stop = null;
  }
}

/** The client's SessionStore. */
export const sessionStoreFor = (client: HeraldClient): SessionStore => perClient(client, 'session', () => new SessionStore(client));
