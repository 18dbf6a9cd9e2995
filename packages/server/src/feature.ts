/**
 * Feature modules: how capabilities beyond core messaging (typing, receipts, presence,
 * notifications, publish API, files, admin) plug into the server without the core knowing them.
 * A feature is built by the composition root (app.ts) from the dependencies it declares, and may
 * add HTTP routes, handle socket actions, and react to sessions joining or leaving.
 * Invariant: features talk to other nodes only through the Bus.
 */
import type { FastifyInstance } from 'fastify';
import type { ActionHandlers } from './gateway/action-registry.js';
import type { Connection } from './gateway/connection.js';

export interface Feature {
  readonly name: string;
  /** Register HTTP routes (called inside an encapsulated Fastify plugin). */
  routes?(app: FastifyInstance): Promise<void>;
  /** Socket actions this feature answers (registered in the gateway's ActionRegistry; see handlerFor there). */
  frames?: ActionHandlers;
  /** Called right after a connection authenticated (after `connected` was sent). */
  connected?(connection: Connection): void | Promise<void>;
  /** Called when an authenticated connection closes. */
  disconnected?(connection: Connection): void;
  /**
   * Called when a live connection's account changed (role, name; `connection.user` is already the
   * current one), e.g. to end what the old role allowed (gateway/credential-watch.ts calls it).
   */
  accountChanged?(connection: Connection): void;
  /** Stop timers and release resources (graceful shutdown). */
  close?(): void | Promise<void>;
}
