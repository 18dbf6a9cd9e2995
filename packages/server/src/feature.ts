/**
 * Feature modules: how capabilities beyond core messaging (typing, receipts, presence,
 * notifications, publish API, files, admin) plug into the server without the core knowing them.
 * A feature is built by the composition root (app.ts) from the dependencies it declares, and may
 * add HTTP routes, handle socket actions, and react to sessions joining or leaving.
 * Invariant: features talk to other nodes only through the Bus.
 */
import type { ClientAction, ClientFrame } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import type { Connection } from './gateway/connection.js';

/** Handles one socket action for an authenticated connection; throw HeraldError to answer with an error. */
export type FrameHandler = (connection: Connection, frame: ClientFrame) => Promise<void>;

export interface Feature {
  readonly name: string;
  /** Register HTTP routes (called inside an encapsulated Fastify plugin). */
  routes?(app: FastifyInstance): Promise<void>;
  /** Socket actions this feature answers. */
  frames?: Partial<Record<ClientAction, FrameHandler>>;
  /** Called right after a connection authenticated (after `connected` was sent). */
  connected?(connection: Connection): void | Promise<void>;
  /** Called when an authenticated connection closes. */
  disconnected?(connection: Connection): void;
  /** Stop timers and release resources (graceful shutdown). */
  close?(): void | Promise<void>;
}
