/**
 * A rolling restart behind a real load balancer, under chat load: two Herald nodes as real child
 * processes (the built server, `node packages/server/dist/main.js`) on one PostgreSQL schema and one
 * Redis channel, behind HAProxy (health checks on readiness, round robin, WebSocket upgrades).
 * SDK clients connected through HAProxy send at a steady rate through their outboxes to two shared
 * group conversations while node A (SIGTERM), then node B (SIGINT), drains, exits and comes back.
 * Asserts: each node exits 0 after HAProxy took it out; every send is accepted; every client gets
 * every message of each conversation exactly once, in seq order and in each sender's order; every
 * client ends connected and none ever reached `error`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeraldClient } from '@herald/client';
import type { SendMessageResult, ServerFrameOf } from '@herald/protocol';
import {
  ApiClient,
  buildServer,
  dropPostgresSchema,
  haproxyAvailable,
  type LoadBalancer,
  PG_URL,
  postgresAvailable,
  REDIS_URL,
  redisAvailable,
  type ServerProcess,
  startLoadBalancer,
  startServerProcess,
  TEST_JWT_SECRET,
  uniqueSchemaName,
} from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeClient, waitForState } from './harness.js';

const ready = (await postgresAvailable()) && (await redisAvailable()) && (await haproxyAvailable());

const CLIENTS = 6;
const SEND_EVERY_MS = 40;
/** More than HAProxy's 500 ms check interval with `fall 1`, so it marks the node down before sockets move. */
const DRAIN_DELAY_MS = 2_000;

interface Node {
  name: string;
  env: Record<string, string>;
  process: ServerProcess;
}

describe.skipIf(!ready)('rolling restart behind HAProxy (PostgreSQL + Redis, two node processes)', () => {
  const schema = uniqueSchemaName('herald_roll');
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-roll-'));
  const nodes: Node[] = [];
  const clients: HeraldClient[] = [];
  /** When any client left `connected` (its node moved it, or its socket broke). */
  const leftConnectedAt: number[] = [];
  let lb: LoadBalancer;

  beforeAll(async () => {
    await buildServer();
    const shared = {
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL,
      HERALD_REDIS_CHANNEL: `herald:test:${randomUUID()}`,
      HERALD_JWT_SECRET: TEST_JWT_SECRET,
      HERALD_RATE_PER_SECOND: '1000',
      HERALD_RATE_BURST: '1000',
      HERALD_LOGIN_RATE_LIMIT: '10000',
      HERALD_GROUP_ADD: 'anyone',
      HERALD_DRAIN_DELAY_MS: String(DRAIN_DELAY_MS),
      HERALD_DRAIN_SPREAD_MS: '300',
    };
    // One after the other: the first migrates the schema.
    for (const name of ['node-a', 'node-b']) {
      const env = { ...shared, HERALD_NODE_ID: name, HERALD_DATA_DIR: join(dataDir, name) };
      nodes.push({ name, env, process: await startServerProcess({ env, label: name }) });
    }
    lb = await startLoadBalancer({ nodes: nodes.map((n) => ({ name: n.name, port: n.process.port })) });
    for (const node of nodes) await lb.waitForState(node.name, 'UP');
  }, 90_000);

  afterAll(async () => {
    for (const client of clients) client.dispose();
    await lb?.close();
    for (const node of nodes) await node.process.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    await dropPostgresSchema(PG_URL, schema).catch(() => undefined);
  });

  /**
   * Stop `node` with `signal`; check HAProxy took it out before it moved any client and that it
   * exited 0; start it again on its port and wait until HAProxy sends it traffic.
   */
  async function roll(node: Node, signal: NodeJS.Signals): Promise<void> {
    const old = node.process;
    const signalledAt = Date.now();
    const markedDown = lb.waitForState(node.name, 'DOWN', 10_000).then(() => Date.now());
    expect(await old.stop(signal, 15_000), old.output()).toBe(0);
    const downAt = await markedDown;
    const firstMove = leftConnectedAt.find((t) => t >= signalledAt);
    expect(firstMove, 'some client was on the stopped node').toBeDefined();
    expect(downAt).toBeLessThanOrEqual(firstMove ?? 0);
    node.process = await startServerProcess({ env: node.env, port: old.port, label: node.name });
    await lb.waitForState(node.name, 'UP');
  }

  it('loses, repeats and reorders nothing, strands no client, and every send is accepted', async () => {
    const api = new ApiClient(lb.url);
    const users = [];
    for (let i = 0; i < CLIENTS; i++) users.push(await api.register(`Roller${i}`));
    const [owner] = users;
    if (!owner) throw new Error('no users');
    const memberIds = users.slice(1).map((u) => u.user.id);
    const conversations = [
      await api.conversation(owner.accessToken, { kind: 'group', title: 'roll one', memberIds }),
      await api.conversation(owner.accessToken, { kind: 'group', title: 'roll two', memberIds }),
    ];

    // Each client: its received frames per conversation and every status it passed through.
    const received = users.map(() => new Map<string, ServerFrameOf<'new_message'>[]>(conversations.map((c) => [c, []])));
    const statuses = users.map(() => [] as string[]);
    const arrivals = new Set<() => void>();
    for (const [i, user] of users.entries()) {
      const { client } = nodeClient(lb.wsUrl, user.accessToken, { requestTimeoutMs: 10_000 });
      clients.push(client);
      client.subscribe((state, previous) => {
        if (state.status === previous.status) return;
        statuses[i]?.push(state.status);
        if (previous.status === 'connected') leftConnectedAt.push(Date.now());
      });
      client.on('new_message', (frame) => {
        received[i]?.get(frame.data.conversationId)?.push(frame);
        for (const wake of [...arrivals]) wake();
      });
    }
    await Promise.all(clients.map((c) => c.connect()));
    for (const client of clients) for (const c of conversations) await client.subscribeConversation(c, { since: 0 });

    // Steady chat load: every client sends every SEND_EVERY_MS, alternating conversations, through its outbox.
    const sends: { client: number; conversationId: string; text: string; result: Promise<SendMessageResult> }[] = [];
    let n = 0;
    const load = setInterval(() => {
      n++;
      for (const [i, client] of clients.entries()) {
        const conversationId = conversations[(n + i) % conversations.length] as string;
        const text = `${i}:${n}`;
        const result = client.sendMessage(conversationId, { text });
        result.catch(() => undefined); // asserted below; a failed run's dispose must not add unhandled rejections
        sends.push({ client: i, conversationId, text, result });
      }
    }, SEND_EVERY_MS);
    try {
      const [a, b] = nodes;
      if (!a || !b) throw new Error('two nodes expected');
      await waitForSends(() => sends.length, CLIENTS * 10);
      await roll(a, 'SIGTERM');
      await waitForSends(() => sends.length, sends.length + CLIENTS * 10);
      await roll(b, 'SIGINT'); // Ctrl-C drains the same way
      await waitForSends(() => sends.length, sends.length + CLIENTS * 10);
    } finally {
      clearInterval(load);
    }

    // Every send accepted (the outbox retries across the moves; nothing fails for good).
    const results = await Promise.all(sends.map((s) => s.result));
    const expected = new Map(conversations.map((c) => [c, 0]));
    for (const s of sends) expected.set(s.conversationId, (expected.get(s.conversationId) ?? 0) + 1);
    for (const c of conversations) {
      const seqs = results.filter((_, k) => sends[k]?.conversationId === c).map((r) => r.seq);
      expect(new Set(seqs).size).toBe(expected.get(c)); // one seq per send: no message stored twice
    }

    // Every client gets every message of each conversation.
    const complete = () =>
      received.every((byConversation) => conversations.every((c) => (byConversation.get(c)?.length ?? 0) >= (expected.get(c) ?? 0)));
    await new Promise<void>((resolve, reject) => {
      if (complete()) return resolve();
      const timer = setTimeout(() => {
        arrivals.delete(check);
        const counts = received.map((m) => conversations.map((c) => m.get(c)?.length));
        reject(new Error(`timed out: received ${JSON.stringify(counts)} of ${JSON.stringify([...expected.values()])}`));
      }, 20_000);
      const check = () => {
        if (!complete()) return;
        clearTimeout(timer);
        arrivals.delete(check);
        resolve();
      };
      arrivals.add(check);
    });

    for (const [i, byConversation] of received.entries()) {
      for (const c of conversations) {
        const frames = byConversation.get(c) ?? [];
        const total = expected.get(c) ?? 0;
        // Exactly once, in seq order: 1..total as delivered.
        expect(
          frames.map((f) => f.data.seq),
          `client ${i}, conversation ${c}`,
        ).toEqual(Array.from({ length: total }, (_, k) => k + 1));
        // No (sender, clientId) twice.
        expect(new Set(frames.map((f) => `${f.data.senderId}/${f.data.clientId}`)).size).toBe(total);
        // Each sender's messages in the order it sent them.
        for (const [j, user] of users.entries()) {
          const sent = sends.filter((s) => s.client === j && s.conversationId === c).map((s) => s.text);
          expect(frames.filter((f) => f.data.senderId === user.user.id).map((f) => f.data.text)).toEqual(sent);
        }
      }
    }

    // No client stranded: all connected now, none ever in `error`, and each one moved at least once.
    for (const [i, client] of clients.entries()) {
      await waitForState(client, (s) => s.status === 'connected', 10_000);
      expect(statuses[i], `client ${i}`).not.toContain('error');
      expect(statuses[i]?.filter((s) => s === 'connected').length, `client ${i} reconnected`).toBeGreaterThanOrEqual(2);
    }
  }, 120_000);
});

/** Resolves once `count()` reaches `target` (the load's own timer drives it); rejects after 10 s. */
function waitForSends(count: () => number, target: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const poll = setInterval(() => {
      if (count() >= target) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() > deadline) {
        clearInterval(poll);
        reject(new Error(`load stalled at ${count()} of ${target} sends`));
      }
    }, SEND_EVERY_MS);
  });
}
