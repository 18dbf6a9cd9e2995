/**
 * ActionRegistry: which handler answers each socket action. The core actions (session, messages,
 * presence) and every feature's register the same way, from the composition root; the frame
 * router only looks an action up and runs what it finds.
 * Invariants: an action has at most one handler (a second registration is a startup error, naming
 * both owners); a handler runs only for its own action, and only on an authenticated connection
 * unless it says `beforeAuthentication`.
 */
import type { ClientAction, ClientFrame, ClientFrameOf } from '@herald/protocol';
import type { Connection } from './connection.js';

/** One socket action's handler. Throw a HeraldError to answer with an error frame. */
export interface ActionHandler {
  handle(connection: Connection, frame: ClientFrame): Promise<void>;
  /** Served before `authenticate` succeeded (otherwise such a frame gets `not_authenticated`). */
  readonly beforeAuthentication?: boolean;
  /** Still served while the server shuts down (otherwise such a frame gets `unavailable`). */
  readonly whileDraining?: boolean;
}

/** The handlers a feature (or the core) offers, by action. */
export type ActionHandlers = Partial<Record<ClientAction, ActionHandler>>;

export class ActionRegistry {
  private readonly handlers = new Map<string, { owner: string; handler: ActionHandler }>();

  /** Add `owner`'s handlers; throws if one of its actions already has a handler. */
  register(owner: string, handlers: ActionHandlers): this {
    for (const [action, handler] of Object.entries(handlers)) {
      if (!handler) continue;
      const taken = this.handlers.get(action);
      if (taken) throw new Error(`socket action "${action}" is registered by both ${taken.owner} and ${owner}`);
      this.handlers.set(action, { owner, handler });
    }
    return this;
  }

  /** The handler of `action`; undefined when nothing on this server answers it. */
  get(action: ClientAction): ActionHandler | undefined {
    return this.handlers.get(action)?.handler;
  }
}

/**
 * A handler of one action's frames, for an authenticated connection: the frame arrives narrowed to
 * its action, with the user id.
 */
export function handlerFor<A extends ClientAction>(
  action: A,
  handle: (connection: Connection, frame: ClientFrameOf<A>, userId: string) => Promise<void>,
): ActionHandler {
  return {
    async handle(connection, frame) {
      const userId = connection.userId;
      if (frame.action !== action || userId === undefined) return;
      await handle(connection, frame as ClientFrameOf<A>, userId);
    },
  };
}

/** A handler of one action's frames that is also served before authentication (`authenticate`, `heartbeat`). */
export function handlerBeforeAuthentication<A extends ClientAction>(
  action: A,
  handle: (connection: Connection, frame: ClientFrameOf<A>) => Promise<void>,
  options: { whileDraining?: boolean } = {},
): ActionHandler {
  return {
    beforeAuthentication: true,
    whileDraining: options.whileDraining ?? false,
    async handle(connection, frame) {
      if (frame.action !== action) return;
      await handle(connection, frame as ClientFrameOf<A>);
    },
  };
}
