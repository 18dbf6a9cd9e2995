/**
 * Test harness for the React bindings: a real Herald server (testkit), REST setup, Node clients
 * with `ws` and fast timings, and a render helper that wraps a tree in HeraldProvider (optionally
 * under StrictMode). Every wait is on an event with a timeout; none is a sleep.
 */
import { createClient, type HeraldClient, type HeraldClientOptions } from '@herald/client';
import { ApiClient, startTestServer, type TestServer } from '@herald/testkit';
import { render } from '@testing-library/react';
import { type ReactNode, StrictMode } from 'react';
import WebSocket from 'ws';
import { HeraldProvider, type RoutePolicies } from '../src/index.js';

export interface Harness {
  server: TestServer;
  api: ApiClient;
  /** Stop the server (sockets drop; clients start reconnecting). */
  stop(): Promise<void>;
  /** Start it again on the same port and data. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const server = await startTestServer({
    env: { HERALD_RATE_PER_SECOND: '10000', HERALD_RATE_BURST: '10000', HERALD_ERROR_REPORT_RATE_LIMIT: '1000', ...env },
  });
  const harness: Harness = {
    server,
    api: new ApiClient(server.url),
    stop: () => harness.server.stop(),
    async restart() {
      harness.server = await harness.server.restart();
    },
    close: () => harness.server.destroy(),
  };
  return harness;
}

/** A Node client (`ws`, fast reconnects); extra options override. */
export function nodeClient(url: string, token: string, options: Partial<HeraldClientOptions> = {}): HeraldClient {
  return createClient({
    url,
    credentials: () => token,
    device: { deviceType: 'desktop', deviceId: `react-test-${Math.random().toString(36).slice(2)}` },
    WebSocket,
    reconnect: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 1000 },
    heartbeatTimeoutMs: 1000,
    connectTimeoutMs: 2000,
    requestTimeoutMs: 5000,
    gapTimeoutMs: 200,
    releaseGraceMs: 200,
    ...options,
  });
}

/** Render `ui` inside HeraldProvider (and StrictMode unless `strict: false`). */
export function renderWithClient(client: HeraldClient, ui: ReactNode, options: { strict?: boolean; policies?: RoutePolicies } = {}) {
  const wrap = (node: ReactNode) => {
    const tree = (
      <HeraldProvider client={client} policies={options.policies}>
        {node}
      </HeraldProvider>
    );
    return options.strict === false ? tree : <StrictMode>{tree}</StrictMode>;
  };
  const result = render(wrap(ui));
  return { ...result, rerender: (next: ReactNode) => result.rerender(wrap(next)) };
}

export { waitForState } from '@herald/client';

/** The server's open socket count, from `/metrics` (`herald_connections`). */
export async function socketCount(server: TestServer): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => /^herald_connections(\{[^}]*\})?\s/.test(l));
  if (!line) throw new Error(`no herald_connections in /metrics:\n${text.slice(0, 500)}`);
  return Number(line.trim().split(/\s+/).at(-1));
}

/** Polls `check` until it passes (for server-side figures that have no event), with a timeout. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** Collects every value a hook returned, render by render (StrictMode's double renders included). */
export class Recorder<T> {
  readonly values: T[] = [];

  /** The last value rendered. */
  get latest(): T {
    const value = this.values.at(-1);
    if (value === undefined) throw new Error('nothing rendered yet');
    return value;
  }

  record = (value: T): void => {
    this.values.push(value);
  };
}

/** Every message of a conversation, over REST. */
export async function restHistory(
  api: ApiClient,
  token: string,
  conversationId: string,
): Promise<{ text: string; seq: number; clientId: string }[]> {
  const response = await api.request<{ messages: { text: string; seq: number; clientId: string }[] }>(
    'GET',
    `/api/v1/conversations/${conversationId}/messages?limit=200`,
    { token },
  );
  return response.body.messages;
}
