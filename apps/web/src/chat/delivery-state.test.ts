import { describe, expect, it } from 'vitest';
import { deliveryState } from './delivery-state';

describe('deliveryState', () => {
  it('tells pending (offline) from sending, failed, sent and read', () => {
    expect(deliveryState({ state: 'sending', pending: true, seq: 0 }, 0)).toBe('pending');
    expect(deliveryState({ state: 'sending', pending: false, seq: 0 }, 0)).toBe('sending');
    expect(deliveryState({ state: 'failed', pending: false, seq: 0 }, 10)).toBe('failed');
    expect(deliveryState({ state: 'sent', pending: false, seq: 5 }, 4)).toBe('sent');
    expect(deliveryState({ state: 'sent', pending: false, seq: 5 }, 5)).toBe('read');
  });

  it('shows delivered between sent and read, and read wins over delivered', () => {
    const sent = { state: 'sent' as const, pending: false, seq: 5 };
    expect(deliveryState(sent, 0, 4)).toBe('sent');
    expect(deliveryState(sent, 0, 5)).toBe('delivered');
    expect(deliveryState(sent, 4, 9)).toBe('delivered');
    expect(deliveryState(sent, 5, 0)).toBe('read');
    // Not yet stored (no seq): never delivered, whatever the others' positions.
    expect(deliveryState({ state: 'sending', pending: false, seq: 0 }, 9, 9)).toBe('sending');
  });
});
