import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/fake-clock.js';
import { FakeBroadcastNetwork, FakeLocks, settle } from '../../test/fake-tabs.js';
import { LeaderElection } from './leader-election.js';
import { TabChannel } from './tab-channel.js';

const LOCK = 'herald-connection:test';

/** One tab: its own channel and clock (a frozen tab's clock stands still while the others' move). */
function tab(network: FakeBroadcastNetwork, locks: FakeLocks | null, id: string) {
  const channel = new TabChannel(new network.Channel(LOCK));
  const clock = new FakeClock();
  const election = new LeaderElection({ id, channel, lockName: LOCK, locks: locks?.for(id) ?? null, timers: clock });
  return { id, channel, clock, election };
}

type Tab = ReturnType<typeof tab>;

async function run(tabs: Tab[], ms: number, step = 50): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    for (const each of tabs) each.clock.advance(step);
    await settle();
  }
}

const leaders = (tabs: Tab[]) => tabs.filter((each) => each.election.role === 'leader').map((each) => each.id);

describe('LeaderElection with Web Locks', () => {
  it('elects the first tab that wants a connection; the others follow it, an idle tab never competes', async () => {
    const network = new FakeBroadcastNetwork();
    const locks = new FakeLocks();
    const tabs = ['a', 'b', 'c'].map((id) => tab(network, locks, id));
    const [a, b, c] = tabs as [Tab, Tab, Tab];
    a.election.join();
    await settle();
    b.election.join();
    await run(tabs, 500);
    expect(leaders(tabs)).toEqual(['a']);
    expect(b.election.role).toBe('follower');
    expect(b.election.leader).toBe('a');
    expect(c.election.role).toBe('idle');
    expect(locks.holder(LOCK)).toBe('a');

    // The leader leaves (e.g. its page holds no socket): the joined follower takes over, not the idle tab.
    a.election.leave();
    await run(tabs, 100);
    expect(leaders(tabs)).toEqual(['b']);
    expect(c.election.role).toBe('idle');
    expect(a.election.role).toBe('idle');
  });

  it('hands over at once when the leader tab crashes (the browser releases its lock)', async () => {
    const network = new FakeBroadcastNetwork();
    const locks = new FakeLocks();
    const tabs = ['a', 'b', 'c'].map((id) => tab(network, locks, id));
    for (const each of tabs) {
      each.election.join();
      await settle();
    }
    await run(tabs, 300);
    expect(leaders(tabs)).toEqual(['a']);
    const [a, ...rest] = tabs as [Tab, Tab, Tab];
    a.channel.close();
    locks.crash('a');
    await settle();
    expect(leaders(rest)).toEqual(['b']);
    await run(rest, 300);
    expect(rest.map((each) => each.election.leader)).toEqual(['b', 'b']);
  });

  it('steals from a frozen leader after a second of silence; the leader steps down when it wakes', async () => {
    const network = new FakeBroadcastNetwork();
    const locks = new FakeLocks();
    const tabs = ['a', 'b', 'c'].map((id) => tab(network, locks, id));
    for (const each of tabs) {
      each.election.join();
      await settle();
    }
    await run(tabs, 300);
    const [a, b, c] = tabs as [Tab, Tab, Tab];
    expect(leaders(tabs)).toEqual(['a']);

    // a's clock stands still: no heartbeat. Under 1 s nothing happens.
    await run([b, c], 800);
    expect(leaders(tabs)).toEqual(['a']);
    await run([b, c], 400);
    const next = locks.holder(LOCK);
    expect(next === 'b' || next === 'c').toBe(true);
    // The stolen lock's request rejected: a stepped down (here at once; a frozen tab on waking).
    expect(a.election.role).toBe('follower');
    await run(tabs, 500);
    expect(leaders(tabs)).toEqual([next]);
    expect(tabs.map((each) => each.election.leader)).toEqual([next, next, next]);
  });
});

describe('LeaderElection over the channel alone (no Web Locks)', () => {
  it('one tab claims after the silence; a tie ends with one leader; bye hands over at once', async () => {
    const network = new FakeBroadcastNetwork();
    const tabs = ['a', 'b', 'c'].map((id) => tab(network, null, id));
    for (const each of tabs) each.election.join();
    await run(tabs, 1_500);
    expect(leaders(tabs)).toHaveLength(1);
    const first = leaders(tabs)[0];
    expect(tabs.map((each) => each.election.leader)).toEqual([first, first, first]);

    const leader = tabs.find((each) => each.id === first) as Tab;
    const rest = tabs.filter((each) => each !== leader);
    leader.election.leave();
    await run(rest, 100);
    expect(leaders(rest)).toHaveLength(1);
    await run(rest, 500);
    expect(leaders(rest)).toHaveLength(1);
    const second = leaders(rest)[0];
    expect(rest.map((each) => each.election.leader)).toEqual([second, second]);
  });

  it('a leader that hears a newer leader (it was frozen and replaced) steps down', async () => {
    const network = new FakeBroadcastNetwork();
    const tabs = ['a', 'b'].map((id) => tab(network, null, id));
    const [a, b] = tabs as [Tab, Tab];
    a.election.join();
    await run([a], 1_100);
    b.election.join();
    await run(tabs, 300);
    expect(leaders(tabs)).toEqual(['a']);
    await run([b], 1_200);
    expect(b.election.role).toBe('leader');
    await run(tabs, 300);
    expect(leaders(tabs)).toEqual(['b']);
    expect(a.election.leader).toBe('b');
  });
});
