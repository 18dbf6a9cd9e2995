/**
 * Sockets follow their credentials (issue 19), end to end on SQLite and PostgreSQL, with 3-second
 * access tokens and a 500 ms grace: a socket that does not renew is closed with 4001
 * `token_expired` after an error frame; one that renews in band (`reauthenticate`) keeps its
 * connection, its subscriptions and every message across 3 renewals; the @herald/client SDK does
 * the same on its own with no reconnect; a token of another user or of an ended session is refused
 * (the latter closing the socket with 4001 `session_revoked`).
 * Waiting for a time here (until a token is near its expiry) is the thing under test: a socket's
 * life is bounded by its token's, so the tests let tokens age. Every other wait is on an event.
 */
import { createClient, type HeraldClient } from '@herald/client';
import { type AuthResponse, CloseCode, CloseReason, ErrorCode, type ServerFrame, type ServerFrameOf } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const hasPostgres = await postgresAvailable();

const GRACE_MS = 500;
/** The server sweeps once a second: a socket past its deadline is closed within about that. */
const SWEEP_SLACK_MS = 1_500;

const until = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
const isError = (f: ServerFrame): f is ServerFrameOf<'error'> => f.action === 'error';

/** One user's session: its current access token, renewed through the refresh route (which rotates). */
class Session {
  constructor(
    private readonly api: ApiClient,
    public auth: AuthResponse,
    private refreshToken = auth.refreshToken ?? '',
  ) {}

  get token(): string {
    return this.auth.accessToken;
  }

  get userId(): string {
    return this.auth.user.id;
  }

  /** A fresh access token of the same session. */
  async refresh(): Promise<string> {
    this.auth = await this.api.rest.auth.refresh({ body: { refreshToken: this.refreshToken } });
    this.refreshToken = this.auth.refreshToken ?? '';
    return this.auth.accessToken;
  }

  /** An access token good for at least `ms` more. */
  async tokenFor(ms: number): Promise<string> {
    return this.auth.accessTokenExpiresAt - Date.now() > ms ? this.token : this.refresh();
  }

  /** End the session (POST /auth/logout with its refresh token). */
  async logout(): Promise<void> {
    const response = await this.api.request('POST', '/api/v1/auth/logout', { body: { refreshToken: this.refreshToken } });
    expect(response.status).toBe(204);
  }
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`in-band credential renewal on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    const sockets: TestSocket[] = [];
    const clients: HeraldClient[] = [];

    beforeAll(async () => {
      server = await startTestServer({
        database,
        env: {
          HERALD_ACCESS_TOKEN_TTL: '3',
          HERALD_TOKEN_GRACE_MS: String(GRACE_MS),
          HERALD_RATE_PER_SECOND: '1000',
          HERALD_RATE_BURST: '1000',
        },
      });
      api = new ApiClient(server.url);
    });

    afterAll(async () => {
      for (const client of clients) client.dispose();
      for (const socket of sockets) socket.ws.terminate();
      await server.destroy();
    });

    async function pair(): Promise<{ alice: Session; bob: Session; conversationId: string }> {
      const { alice, bob, conversationId } = await api.directPair();
      return { alice: new Session(api, alice), bob: new Session(api, bob), conversationId };
    }

    async function connect(session: Session): Promise<{ socket: TestSocket; connected: ServerFrameOf<'connected'> }> {
      const socket = await TestSocket.open(server.wsUrl);
      sockets.push(socket);
      const connected = await socket.authenticate(await session.tokenFor(2_000));
      return { socket, connected };
    }

    const reauthenticate = (socket: TestSocket, token: string) =>
      socket.request({ action: 'reauthenticate', type: 'control', data: { token } }) as Promise<{ credentialExpiresAt: number }>;

    it('closes a socket that does not renew with 4001 token_expired, after an error frame, within the sweep after expiry + grace', async () => {
      const { alice } = await pair();
      const { socket, connected } = await connect(alice);
      const deadline = connected.data.credentialExpiresAt + GRACE_MS;
      expect(connected.data.credentialExpiresAt).toBe(alice.auth.accessTokenExpiresAt);
      const closed = await socket.closed;
      const closedAt = Date.now();
      expect(closed).toEqual({ code: CloseCode.Unauthorized, reason: CloseReason.TokenExpired });
      expect(closedAt).toBeGreaterThanOrEqual(deadline);
      expect(closedAt).toBeLessThanOrEqual(deadline + SWEEP_SLACK_MS);
      const last = socket.frames.at(-1);
      expect(last && isError(last) ? last.data.code : last?.action).toBe(ErrorCode.TokenExpired);
    });

    it('keeps a socket that renews in band 3 times: same connection, same subscription, every message once and in order', async () => {
      const { alice, bob, conversationId } = await pair();
      const { socket, connected } = await connect(alice);
      await socket.request({ action: 'subscribe', type: 'control', data: { conversationId } });
      const sent: string[] = [];
      const send = async (text: string) => {
        await api.sendText(await bob.tokenFor(1_000), conversationId, text);
        sent.push(text);
      };
      for (let i = 1; i <= 3; i++) await send(`before-${i}`);

      let expiresAt = connected.data.credentialExpiresAt;
      for (let renewal = 1; renewal <= 3; renewal++) {
        await until(expiresAt - 1_000); // renew late in the token's life, as a client would
        const result = await reauthenticate(socket, await alice.refresh());
        expect(result.credentialExpiresAt).toBe(alice.auth.accessTokenExpiresAt);
        expect(result.credentialExpiresAt).toBeGreaterThan(expiresAt);
        expiresAt = result.credentialExpiresAt;
        for (let i = 1; i <= 3; i++) await send(`renewal-${renewal}-${i}`);
      }
      // Well past the first token's expiry + grace + a sweep: only the renewals kept the socket.
      expect(Date.now()).toBeGreaterThan(connected.data.credentialExpiresAt + GRACE_MS + SWEEP_SLACK_MS);
      for (let i = 1; i <= 3; i++) await send(`after-${i}`);

      await socket.waitForCount((f) => f.action === 'new_message' && f.data.conversationId === conversationId, sent.length);
      const received = socket.messages(conversationId);
      expect(received.map((f) => f.data.text)).toEqual(sent);
      expect(received.map((f) => f.data.seq)).toEqual(sent.map((_, i) => i + 1));
      expect(socket.frames.filter((f) => f.action === 'connected').map((f) => (f as ServerFrameOf<'connected'>).data.connectionId)).toEqual(
        [connected.data.connectionId],
      );
      expect(socket.frames.filter(isError)).toEqual([]);
      expect(socket.ws.readyState).toBe(WebSocket.OPEN);

      // And it still expires on its last credential when renewals stop.
      expect(await socket.closed).toEqual({ code: CloseCode.Unauthorized, reason: CloseReason.TokenExpired });
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt + GRACE_MS);
    });

    it('the SDK renews ahead of expiry by itself: 3 renewals, status connected throughout, every send acked, every message received', async () => {
      const { alice, bob, conversationId } = await pair();
      const reasons: (string | undefined)[] = [];
      const errors: string[] = [];
      const client = createClient({
        url: server.wsUrl,
        WebSocket,
        device: { deviceType: 'desktop', deviceId: 'sdk-renewal' },
        // What the web app's provider does (session.getAccessToken({ refresh })): refresh when told to.
        credentials: async ({ refresh, reason }) => {
          reasons.push(reason);
          return refresh ? alice.refresh() : alice.tokenFor(2_000);
        },
        onError: (error, context) => errors.push(`${context.source}: ${error.code} ${error.message}`),
      });
      clients.push(client);
      const statuses: string[] = [];
      client.subscribe((state, previous) => {
        if (state.status !== previous.status) statuses.push(state.status);
      });
      const received: ServerFrameOf<'new_message'>[] = [];
      let wanted = Number.POSITIVE_INFINITY;
      let allArrived: () => void = () => undefined;
      const arrived = new Promise<void>((resolve) => {
        allArrived = resolve;
      });
      client.on('new_message', (frame) => {
        if (frame.data.conversationId !== conversationId) return;
        received.push(frame);
        if (received.length >= wanted) allArrived();
      });
      await client.connect();
      await client.subscribeConversation(conversationId, { since: 0 });

      // Both sides talk the whole time; the provider's 4th renewal call means the 3rd was acked.
      const acks: Promise<unknown>[] = [];
      const sentByBob: string[] = [];
      const renewals = () => reasons.filter((r) => r === 'renew').length;
      const startedAt = Date.now();
      for (let i = 1; renewals() < 4; i++) {
        if (Date.now() - startedAt > 15_000) throw new Error(`only ${renewals()} renewals in 15 s: ${JSON.stringify(errors)}`);
        acks.push(client.sendMessage(conversationId, { text: `alice-${i}` }));
        await api.sendText(await bob.tokenFor(1_000), conversationId, `bob-${i}`);
        sentByBob.push(`bob-${i}`);
        await new Promise((resolve) => setTimeout(resolve, 150)); // pacing of the conversation, not a sync
      }
      const results = (await Promise.all(acks)) as { seq: number; duplicate: boolean }[];
      expect(results.every((r) => !r.duplicate)).toBe(true);
      const total = acks.length + sentByBob.length;
      wanted = total;
      if (received.length < total) await arrived; // the test's timeout bounds it

      expect(errors).toEqual([]);
      expect(statuses).toEqual(['connecting', 'connected']); // never reconnected
      expect(reasons.slice(0, 4)).toEqual(['connect', 'renew', 'renew', 'renew']);
      expect(received.map((f) => f.data.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(received.filter((f) => f.data.senderId === bob.userId).map((f) => f.data.text)).toEqual(sentByBob);
      expect(received.filter((f) => f.data.senderId === alice.userId).map((f) => f.data.text)).toEqual(
        acks.map((_, i) => `alice-${i + 1}`),
      );
      expect(Date.now() - startedAt).toBeGreaterThan(3_000 + GRACE_MS); // past the first token's life
    });

    it("refuses another user's token with forbidden and keeps the socket on its own credential", async () => {
      const { alice, bob, conversationId } = await pair();
      const { socket } = await connect(alice);
      const refusal = await reauthenticate(socket, bob.token).catch((error: { data: { code: string } }) => error.data);
      expect(refusal).toMatchObject({ code: ErrorCode.Forbidden });
      // Still Alice's socket, still served, and still renewable with her own token.
      expect(await socket.request({ action: 'subscribe', type: 'control', data: { conversationId } })).toMatchObject({ conversationId });
      const renewed = await reauthenticate(socket, await alice.refresh());
      expect(renewed.credentialExpiresAt).toBe(alice.auth.accessTokenExpiresAt);
      expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    });

    it('refuses an expired or forged token with its code and keeps the socket', async () => {
      const { alice } = await pair();
      const { socket } = await connect(alice);
      const forged = `${alice.token.slice(0, -4)}AAAA`;
      const codeOf = (token: string) =>
        reauthenticate(socket, token).then(
          () => 'accepted',
          (error: { data: { code: string } }) => error.data.code,
        );
      expect(await codeOf(forged)).toBe(ErrorCode.Unauthorized);
      expect(socket.ws.readyState).toBe(WebSocket.OPEN);
      const stale = alice.token;
      await until(alice.auth.accessTokenExpiresAt + 10); // let the old token expire (the socket is within its grace)
      expect(await codeOf(stale)).toBe(ErrorCode.TokenExpired);
      expect((await reauthenticate(socket, await alice.refresh())).credentialExpiresAt).toBe(alice.auth.accessTokenExpiresAt);
      expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    });

    it('refuses a token of an ended session and closes the socket with 4001 session_revoked', async () => {
      const { alice } = await pair();
      // A second session of Alice's (another sign-in); the socket runs on the first.
      const other = new Session(
        api,
        await api.rest.auth.login({ body: { email: alice.auth.user.email ?? '', password: 'correct horse battery' } }),
      );
      expect(other.auth.sessionId).not.toBe(alice.auth.sessionId);
      const { socket } = await connect(alice);
      const ended = other.token;
      await other.logout();
      const reply = socket.waitForNext((f) => isError(f));
      socket.sendFrame({ action: 'reauthenticate', type: 'control', data: { token: ended } });
      expect(((await reply) as ServerFrameOf<'error'>).data.code).toBe(ErrorCode.SessionRevoked);
      expect(await socket.closed).toEqual({ code: CloseCode.Unauthorized, reason: CloseReason.SessionRevoked });
    });
  });
}
