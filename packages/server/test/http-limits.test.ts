/**
 * HTTP timeouts and body limits against a real server over real TCP sockets (node:net): clients
 * that never finish their headers or trickle their body are dropped within the configured time
 * (with small timeouts here) while the server keeps answering everyone else; idle keep-alive
 * connections close; an upload that keeps moving outlives the request deadline and a stalled one
 * does not; WebSockets stay open past every HTTP deadline; each JSON route's body limit answers
 * 413 `too_big` past it and accepts a body within it.
 */
import { connect, type Socket } from 'node:net';
import { restContract } from '@herald/protocol';
import { ApiClient, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REQUEST_TIMEOUT_MS = 1_500;
const HEADERS_TIMEOUT_MS = 1_000;
const KEEP_ALIVE_TIMEOUT_MS = 2_500;
const UPLOAD_WINDOW_MS = 1_000;
/** How late a drop may come on a loaded 2-core CI machine (the check itself runs every 100 ms). */
const SLACK_MS = 10_000;

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer({
    env: {
      HERALD_HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HERALD_HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HERALD_HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
      HERALD_HTTP_UPLOAD_IDLE_TIMEOUT_MS: String(UPLOAD_WINDOW_MS),
      HERALD_HTTP_UPLOAD_MIN_BYTES_PER_SECOND: '200',
      HERALD_HTTP_TIMEOUT_CHECK_MS: '100',
    },
  });
  api = new ApiClient(server.url);
});
afterAll(() => server?.destroy());

/** A raw TCP client: what it received, and when the server closed it (ms after `connected`). */
interface RawClient {
  socket: Socket;
  received: () => string;
  /** Resolves with the ms from connect to close. */
  closed: Promise<number>;
}

function rawClient(port = server.port): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    let connectedAt = 0;
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now() - connectedAt)));
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
    });
    socket.on('error', () => undefined); // a reset is one way to be dropped
    socket.once('connect', () => {
      connectedAt = Date.now();
      resolve({ socket, received: () => data, closed });
    });
    socket.once('error', reject);
  });
}

/** One whole request to `port` on a connection of its own; resolves with everything received until the server closed it. */
async function rawRequest(port: number, request: string): Promise<string> {
  const client = await rawClient(port);
  await write(client.socket, request.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
  await within(client.closed, 10_000, 'a whole request answered');
  return client.received();
}

/** Resolves when `socket` has handed `data` to the kernel. */
function write(socket: Socket, data: string): Promise<void> {
  return new Promise((resolve, reject) => socket.write(data, (error) => (error ? reject(error) : resolve())));
}

/** `promise`, or a failure naming `what` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Headers of a JSON POST announcing `length` body bytes. */
const postHeaders = (path: string, length: number) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

async function rejections(limit: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`herald_limit_rejections_total{limit="${limit}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function healthy(): Promise<number> {
  return (await fetch(`${server.url}/api/v1/health/live`)).status;
}

describe('slow clients', () => {
  it('drops a client that trickles its body, after the request timeout and not before, with 408', async () => {
    const client = await rawClient();
    await write(client.socket, postHeaders('/api/v1/auth/login', 200));
    await write(client.socket, '{"email":');
    // A byte every 200 ms: always "active", never done.
    const trickle = setInterval(() => client.socket.writable && client.socket.write(' '), 200);
    try {
      expect(await healthy()).toBe(200); // the server answers others meanwhile
      const elapsed = await within(client.closed, REQUEST_TIMEOUT_MS + SLACK_MS, 'slow body dropped');
      expect(elapsed).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
      expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(client.received()).toContain('"code":"timeout"');
    } finally {
      clearInterval(trickle);
    }
    expect(await healthy()).toBe(200);
    expect(await rejections('http_request_timeout')).toBeGreaterThanOrEqual(1);
  });

  it('drops a slow body that was answered before it arrived (a 429 from the login limit): the answer does not free the connection', async () => {
    // A server of its own with a login limit of 2 a minute per IP (the shared one's sign-ups must keep theirs).
    const limited = await startTestServer({
      env: {
        HERALD_HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        HERALD_HTTP_TIMEOUT_CHECK_MS: '100',
        HERALD_LOGIN_RATE_LIMIT: '2',
      },
    });
    try {
      let status = 0;
      for (let i = 0; i < 5 && status !== 429; i++) {
        const answer = await rawRequest(limited.port, `${postHeaders('/api/v1/auth/login', 2)}{}`);
        status = Number(/^HTTP\/1\.1 (\d+)/.exec(answer)?.[1]);
      }
      expect(status).toBe(429);
      // Node keeps reading (and discarding) a body after the response, so the early 429 alone would hold the socket.
      const client = await rawClient(limited.port);
      await write(client.socket, postHeaders('/api/v1/auth/login', 200));
      await write(client.socket, '{"email":');
      const trickle = setInterval(() => client.socket.writable && client.socket.write(' '), 200);
      try {
        await expect.poll(() => client.received(), { timeout: 5_000 }).toMatch(/^HTTP\/1\.1 429 /);
        await within(client.closed, REQUEST_TIMEOUT_MS + SLACK_MS, 'slow body after an early 429 dropped');
      } finally {
        clearInterval(trickle);
      }
    } finally {
      await limited.destroy();
    }
    expect(await healthy()).toBe(200);
  });

  it('drops clients whose headers never finish, and ones that send nothing at all', async () => {
    const partial = await rawClient();
    await write(partial.socket, 'GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const trickle = setInterval(() => partial.socket.writable && partial.socket.write('a'), 200);
    const silent = await rawClient();
    try {
      const [partialMs, silentMs] = await within(
        Promise.all([partial.closed, silent.closed]),
        HEADERS_TIMEOUT_MS + SLACK_MS,
        'header-less clients dropped',
      );
      expect(partialMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS * 0.8);
      expect(silentMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS * 0.8);
    } finally {
      clearInterval(trickle);
    }
    expect(await healthy()).toBe(200);
    await expect.poll(() => rejections('http_headers_timeout')).toBeGreaterThanOrEqual(2);
  });

  it('drops all of 200 slow-body clients while serving normal requests', async () => {
    const clients = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const client = await rawClient();
        await write(client.socket, `${postHeaders('/api/v1/auth/register', 1000)}{"email":"a`);
        return client;
      }),
    );
    let open = clients.length;
    for (const client of clients) void client.closed.then(() => open--);
    // Everyone else is served while they are held: a login sent now answers (401: no such account).
    // How long it takes is the machine's load, not a property of the server: judged by `heldMs` below.
    expect(open).toBeGreaterThan(0);
    const login = await api.request('POST', '/api/v1/auth/login', { body: { email: 'nobody@example.test', password: 'x' } });
    expect(login.status).toBe(401);
    const heldMs = await within(Promise.all(clients.map((c) => c.closed)), REQUEST_TIMEOUT_MS + SLACK_MS * 2, '200 slow clients dropped');
    expect(open).toBe(0);
    // Held until the request deadline, not refused at once (timers may fire a little early).
    expect(Math.min(...heldMs)).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS * 0.8);
    expect(clients.filter((c) => c.received().startsWith('HTTP/1.1 408 ')).length).toBe(200);
    expect(await healthy()).toBe(200);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout, not before', async () => {
    const client = await rawClient();
    await write(client.socket, 'GET /api/v1/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await expect.poll(() => client.received(), { timeout: 5_000 }).toMatch(/^HTTP\/1\.1 200 /);
    const answeredAt = Date.now();
    await within(client.closed, KEEP_ALIVE_TIMEOUT_MS + SLACK_MS, 'idle keep-alive closed');
    // Past the headers timeout too: the idle connection was governed by the keep-alive timeout alone.
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS - 100);
  });
});

describe('uploads', () => {
  const boundary = 'herald-test-boundary';
  const preamble = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\n`;
  const ending = `\r\n--${boundary}--\r\n`;
  const uploadHeaders = (token: string, length: number) =>
    `POST /api/v1/files/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${length}\r\n\r\n`;

  it('an upload that keeps moving outlives the request timeout and is stored', async () => {
    const { accessToken } = await api.register('Uploader');
    const chunk = 'slow but steady line of text\n'.repeat(20); // 580 bytes, ~2.9 KB/s at one per 200 ms
    const chunks = 16; // 3.2 s: twice the request timeout
    const length = Buffer.byteLength(preamble) + chunk.length * chunks + Buffer.byteLength(ending);
    const client = await rawClient();
    await write(client.socket, uploadHeaders(accessToken, length) + preamble);
    const startedAt = Date.now();
    for (let i = 0; i < chunks; i++) {
      await write(client.socket, chunk);
      // The client's pace, not a synchronisation: the point is to take longer than the deadline.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await write(client.socket, ending);
    await expect.poll(() => client.received(), { timeout: 10_000 }).toMatch(/^HTTP\/1\.1 201 [\s\S]*"file"/);
    expect(Date.now() - startedAt).toBeGreaterThan(REQUEST_TIMEOUT_MS);
    client.socket.destroy();
  });

  it('a stalled upload is dropped after one progress window', async () => {
    const { accessToken } = await api.register('Staller');
    const client = await rawClient();
    await write(client.socket, `${uploadHeaders(accessToken, 100_000)}${preamble}just the start`);
    const elapsed = await within(client.closed, UPLOAD_WINDOW_MS + SLACK_MS, 'stalled upload dropped');
    expect(elapsed).toBeGreaterThanOrEqual(UPLOAD_WINDOW_MS - 50);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(await rejections('http_upload_stalled')).toBeGreaterThanOrEqual(1);
  });
});

it('keeps WebSockets open past every HTTP deadline', async () => {
  const { accessToken } = await api.register('Listener');
  const socket = await TestSocket.connect(server.wsUrl, accessToken);
  // A slow-body client dropped after the socket opened proves the deadlines ran past it.
  const slow = await rawClient();
  await write(slow.socket, `${postHeaders('/api/v1/auth/login', 100)}{`);
  await within(slow.closed, REQUEST_TIMEOUT_MS + SLACK_MS, 'slow body dropped');
  const idle = await rawClient();
  await within(idle.closed, HEADERS_TIMEOUT_MS + SLACK_MS, 'silent client dropped');
  expect(socket.ws.readyState).toBe(socket.ws.OPEN);
  const reply = socket.waitForNext((f) => f.action === 'heartbeat' && f.data.ref === 'still-there');
  socket.sendFrame({ id: 'still-there', action: 'heartbeat', type: 'heartbeat', data: {} });
  expect(await reply).toBeDefined();
  await socket.close();
});

describe('body limits per route', () => {
  it('answers 413 too_big past a route limit, naming the limit, and closes the connection', async () => {
    const limit = restContract.auth.login.bodyLimit;
    const before = await rejections('http_body');
    const big = await api.request('POST', '/api/v1/auth/login', {
      body: { email: 'a@example.test', password: 'x'.repeat(limit) },
    });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ error: { code: 'too_big', details: { limit: 'http_body' } } });
    expect(await rejections('http_body')).toBe(before + 1);
    // Within the limit: an ordinary answer (no such account).
    const small = await api.request('POST', '/api/v1/auth/login', { body: { email: 'a@example.test', password: 'x'.repeat(150) } });
    expect(small.status).toBe(401);
  });

  it('accepts the largest valid message and refuses a body past the message limit', async () => {
    const { alice, conversationId } = await api.directPair();
    const path = `/api/v1/conversations/${conversationId}/messages`;
    // 16,000 three-byte characters: 48 KB of UTF-8, far past the 8 KiB of small routes.
    const largest = await api.request('POST', path, { token: alice.accessToken, body: { text: '€'.repeat(16_000) } });
    expect(largest.status).toBe(201);
    const tooBig = await api.request('POST', path, {
      token: alice.accessToken,
      body: { text: 'x', padding: 'y'.repeat(restContract.conversations.send.bodyLimit) },
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ error: { code: 'too_big', details: { limit: 'http_body' } } });
    expect(await healthy()).toBe(200);
  });

  it('every JSON route with a body declares its limit in the contract', () => {
    const missing: string[] = [];
    for (const [group, routes] of Object.entries(restContract)) {
      for (const [name, route] of Object.entries(routes)) {
        // The error report's limit is configurable (HERALD_ERROR_REPORT_MAX_BYTES): the feature sets it.
        if ('body' in route && !('bodyLimit' in route) && `${group}.${name}` !== 'errors.report') missing.push(`${group}.${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
