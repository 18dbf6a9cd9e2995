/**
 * seedMessages(): write many messages fast through a real socket of another user, pipelined in
 * windows (the sender gets an ack and an echo of each; unbounded, it would be closed as a slow
 * consumer). Resolves when every message is committed.
 */
import { TestSocket } from '@herald/testkit';

/** Send `count` messages (`m1`…) to each conversation as `token`'s user. */
export async function seedMessages(wsUrl: string, token: string, conversationIds: string[], count: number, window = 250): Promise<void> {
  const socket = await TestSocket.connect(wsUrl, token);
  for (let from = 1; from <= count; from += window) {
    const last: string[] = [];
    for (const conversationId of conversationIds) {
      let id = '';
      for (let i = from; i < from + window && i <= count; i++) {
        id = socket.sendFrame({ action: 'send_message', type: 'text', data: { conversationId, text: `m${i}` } });
      }
      last.push(id);
    }
    // One connection's sends are committed in order: the last ack of each conversation covers the rest.
    await Promise.all(last.map((id) => socket.waitForNext((f) => f.action === 'ack' && f.data.ref === id, 30_000)));
  }
  await socket.close();
}
