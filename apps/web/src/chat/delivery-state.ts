/**
 * The delivery state shown on one of my messages: waiting for a connection (`pending`), being sent,
 * failed (with retry), sent, or read by someone else (their read position reached its seq).
 */
export type DeliveryState = 'pending' | 'sending' | 'failed' | 'sent' | 'read';

export interface DeliveryInput {
  state: 'sending' | 'sent' | 'failed';
  pending: boolean;
  seq: number;
}

export function deliveryState(message: DeliveryInput, othersReadSeq: number): DeliveryState {
  if (message.state === 'failed') return 'failed';
  if (message.state === 'sending') return message.pending ? 'pending' : 'sending';
  return message.seq > 0 && othersReadSeq >= message.seq ? 'read' : 'sent';
}
