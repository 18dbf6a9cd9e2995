import { describe, expect, it } from 'vitest';
import { type NotifyInput, notifyDecision } from './notify-decision';

const base: NotifyInput = {
  message: { senderId: 'bob', conversationId: 'c1', mentions: [], groupMention: null, deletedAt: null },
  myId: 'me',
  kind: 'group',
  muted: false,
  looking: false,
};
const decide = (change: Partial<Omit<NotifyInput, 'message'>> & { message?: Partial<NotifyInput['message']> }) =>
  notifyDecision({ ...base, ...change, message: { ...base.message, ...change.message } });

describe('notifyDecision', () => {
  it('notifies for others’ messages in an unmuted conversation I am not looking at', () => {
    expect(decide({})).toBe('notify');
  });

  it('never for my own message, a deleted one, or the conversation I am looking at', () => {
    expect(decide({ message: { senderId: 'me' } })).toBe('none');
    expect(decide({ message: { deletedAt: 1 } })).toBe('none');
    expect(decide({ looking: true, message: { mentions: ['me'] } })).toBe('none');
  });

  it('a muted conversation stays quiet', () => {
    expect(decide({ muted: true })).toBe('none');
    expect(decide({ muted: true, message: { mentions: ['someone-else'] } })).toBe('none');
  });

  it('a mention of me always gets through, muted or not', () => {
    expect(decide({ muted: true, message: { mentions: ['me'] } })).toBe('mention');
    expect(decide({ muted: false, message: { mentions: ['me'] } })).toBe('mention');
    expect(decide({ muted: true, message: { groupMention: 'all' } })).toBe('mention');
    expect(decide({ muted: true, message: { groupMention: 'here' } })).toBe('mention');
  });

  it('a group mention counts in groups only', () => {
    expect(decide({ kind: 'direct', muted: true, message: { groupMention: 'all' } })).toBe('none');
  });
});
