/**
 * setup(): a HeraldClient against an in-memory fake server, a fake clock and fake online/visibility/focus
 * sources, recording every status change, reported error and credential call (the unit tests of
 * herald-client-*.test.ts share it).
 */
import type { HeraldError } from '@herald/protocol';
import type { ErrorContext, HeraldClientOptions } from '../src/client-options.js';
import type { ConnectionStatus } from '../src/connection-state.js';
import { createClient } from '../src/herald-client.js';
import { FakeClock } from './fake-clock.js';
import { FakeServer, type FakeServerOptions } from './fake-socket.js';
import { FakeFocus, FakeOnline, FakeVisibility } from './fake-sources.js';

export type Setup = Partial<HeraldClientOptions> & {
  server?: FakeServerOptions;
  online?: FakeOnline;
  visibility?: FakeVisibility;
  focus?: FakeFocus;
};

export function setup(options: Setup = {}) {
  const clock = new FakeClock();
  const server = new FakeServer({ now: clock.now, ...options.server });
  const online = options.online ?? new FakeOnline();
  const visibility = options.visibility ?? new FakeVisibility();
  const focus = options.focus ?? new FakeFocus();
  const errors: [HeraldError, ErrorContext][] = [];
  const credentialCalls: boolean[] = [];
  /** The `reason` of each credential call, in order. */
  const credentialReasons: (string | undefined)[] = [];
  const tokens = ['token-1', 'token-2', 'token-3', 'token-4'];
  const client = createClient({
    url: 'ws://fake/ws',
    device: { deviceType: 'desktop', deviceId: 'dev-1' },
    credentials: ({ refresh, reason }) => {
      credentialCalls.push(refresh);
      credentialReasons.push(reason);
      return tokens[credentialCalls.length - 1] ?? 'token-x';
    },
    WebSocket: server.WebSocket,
    timers: clock,
    random: () => 0.5,
    onError: (error, context) => errors.push([error, context]),
    ...options,
    online,
    visibility,
    focus,
  });
  const statuses: ConnectionStatus[] = [];
  client.subscribe((state, previous) => {
    if (state.status !== previous.status) statuses.push(state.status);
  });
  return { clock, server, online, visibility, focus, errors, credentialCalls, credentialReasons, client, statuses };
}
