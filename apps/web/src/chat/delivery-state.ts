/**
 * The delivery state shown on one of my messages: waiting for a connection (`pending`), being sent,
 * failed (with retry), sent (✓, the server stored it), delivered (✓✓ grey: a device of another
 * member confirmed receiving it) or read (✓✓ coloured: another member's read position reached it).
 * In a group, as for read, one other member is enough. Read implies delivered.
 */
export type DeliveryState = 'pending' | 'sending' | 'failed' | 'sent' | 'delivered' | 'read';

export interface DeliveryInput {
  state: 'sending' | 'sent' | 'failed';
  pending: boolean;
  seq: number;
}

export function deliveryState(message: DeliveryInput, othersReadSeq: number, othersDeliveredSeq = 0): DeliveryState {
  if (message.state === 'failed') return 'failed';
  if (message.state === 'sending') return message.pending ? 'pending' : 'sending';
  if (message.seq <= 0) return 'sent';
  if (othersReadSeq >= message.seq) return 'read';
  return othersDeliveredSeq >= message.seq ? 'delivered' : 'sent';
}
