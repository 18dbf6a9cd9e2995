/**
 * handlerFor: a feature frame handler typed for one action. The router hands features every
 * frame as the ClientFrame union (after authentication); this narrows it once, in one place.
 */
import type { ClientAction, ClientFrameOf } from '@herald/protocol';
import type { FrameHandler } from '../feature.js';
import type { Connection } from '../gateway/connection.js';

/** Wrap a handler of one action's frames; it also gets the (authenticated) user id. */
export function handlerFor<A extends ClientAction>(
  action: A,
  handle: (connection: Connection, frame: ClientFrameOf<A>, userId: string) => Promise<void>,
): FrameHandler {
  return async (connection, frame) => {
    const userId = connection.userId;
    if (frame.action !== action || userId === undefined) return;
    await handle(connection, frame as ClientFrameOf<A>, userId);
  };
}
