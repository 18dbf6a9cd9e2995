/**
 * The abuse scenarios of issue 22, each against a running server, each returning what it measured
 * (a plain object of figures): what an abusive user can do to everyone else, with the server's
 * own defaults. Every scenario tolerates features a tree does not have (an older server answers a
 * paginated request with the whole list, has no caps, ignores X-Forwarded-For): it reports what
 * happened, it does not judge it.
 */
import { connect } from 'node:net';
import WebSocket from 'ws';
import { http, multipart } from './server.mjs';

/** @typedef {import('./server.mjs').AbuseServer} AbuseServer */
/** @typedef {{ email: string, token: string, id: string }} User a registered user and its access token */
/** @typedef {{ ws: import('ws').WebSocket, ok: boolean, why?: string }} SocketResult how opening a socket went */

const PASSWORD = 'correct horse battery staple';
let addressCounter = 0;
/** Setup requests spread over loopback addresses so per-IP limits measure the attack, not the setup. */
const nextAddress = () => 100 + (addressCounter++ % 150);

/** Register a user. @param {string} baseUrl @param {string} name @returns {Promise<User>} */
export async function register(baseUrl, name) {
  const email = `${name}-${Math.random().toString(36).slice(2, 10)}@abuse.test`;
  const answer = await http(baseUrl, 'POST', '/api/v1/auth/register', { json: { email, password: PASSWORD, name }, from: nextAddress() });
  if (answer.status !== 201) throw new Error(`register ${name}: ${answer.status} ${JSON.stringify(answer.json)}`);
  return { email, token: /** @type {string} */ (answer.json.accessToken), id: /** @type {string} */ (answer.json.user.id) };
}

/** Run `task(i)` for i in [0, n) with at most `width` in flight. @template T @param {number} n @param {number} width @param {(i: number) => Promise<T>} task */
async function pool(n, width, task) {
  /** @type {T[]} */
  const results = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

/** Count answers by status (and error code). @param {{ status: number, json?: any }[]} answers */
function statuses(answers) {
  /** @type {Record<string, number>} */
  const out = {};
  for (const a of answers) {
    const key = a.status >= 400 && a.json?.error?.code ? `${a.status} ${a.json.error.code}` : String(a.status);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

const round = (/** @type {number} */ n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const mib = (/** @type {number} */ bytes) => round(bytes / 2 ** 20);

/**
 * (a) A stranger adds the victim to `groups` groups; the victim lists conversations.
 * @param {AbuseServer} server
 * @param {{ groups: number }} options
 */
export async function groupFlood(server, { groups }) {
  const attacker = await register(server.baseUrl, 'attacker');
  const victim = await register(server.baseUrl, 'victim');
  const started = performance.now();
  const answers = await pool(groups, 8, (i) =>
    http(server.baseUrl, 'POST', '/api/v1/conversations', {
      token: attacker.token,
      json: { kind: 'group', title: `spam ${i}`, memberIds: [victim.id] },
    }),
  );
  const addSeconds = (performance.now() - started) / 1000;
  const list = await http(server.baseUrl, 'GET', '/api/v1/conversations', { token: victim.token });
  const listed = Array.isArray(list.json?.conversations) ? list.json.conversations.length : undefined;
  return {
    groupsAttempted: groups,
    created: answers.filter((a) => a.status === 201).length,
    answers: statuses(answers),
    addSeconds: round(addSeconds, 2),
    list: {
      status: list.status,
      bytes: list.bytes,
      ms: round(list.ms),
      conversations: listed,
      nextCursor: list.json?.nextCursor !== undefined,
    },
    attacker,
    victim,
  };
}

/**
 * (b) A 256 KiB download idle, then while `n` logins are in flight, for each n.
 * @param {AbuseServer} server
 * @param {{ logins: number[], victim: User }} options
 */
export async function loginStall(server, { logins, victim }) {
  const file = Buffer.alloc(256 * 1024, 'download me while you hash\n');
  const form = multipart(file, 'payload.txt', 'text/plain');
  const uploaded = await http(server.baseUrl, 'POST', '/api/v1/files/upload', { ...form, token: victim.token, from: nextAddress() });
  if (uploaded.status !== 201) throw new Error(`upload for the download test: ${uploaded.status} ${JSON.stringify(uploaded.json)}`);
  const path = `/api/v1/files/${uploaded.json.file.id}`;
  const download = () => http(server.baseUrl, 'GET', path, { token: victim.token });
  const idle = [];
  for (let i = 0; i < 3; i++) idle.push((await download()).ms);
  const idleMs = idle.sort((a, b) => a - b)[1] ?? 0;
  const rows = [];
  for (const n of logins) {
    let peakRss = server.rss();
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, server.rss());
    }, 20);
    // Each login from its own address: the per-IP limit is not what this measures.
    const inFlight = Array.from({ length: n }, (_, i) =>
      http(server.baseUrl, 'POST', '/api/v1/auth/login', { json: { email: victim.email, password: PASSWORD }, from: 1 + i }),
    );
    const during = await download();
    const answers = await Promise.all(inFlight);
    clearInterval(sampler);
    rows.push({
      logins: n,
      downloadMs: round(during.ms),
      ratio: round(during.ms / Math.max(idleMs, 0.1)),
      ok: answers.filter((a) => a.status === 200).length,
      refused429: answers.filter((a) => a.status === 429).length,
      answers: statuses(answers),
      peakRssMiB: mib(peakRss),
    });
  }
  return { idleDownloadMs: round(idleMs), downloadStatus: (await download()).status, rows };
}

/**
 * Open a socket; resolves with how it went (connected, or closed with a code, or failed).
 * @param {string} url
 * @param {string | undefined} token authenticate with it when given; anonymous otherwise
 * @returns {Promise<SocketResult>}
 */
function openSocket(url, token) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    let settled = false;
    const done = (/** @type {Omit<SocketResult, 'ws'>} */ result) => {
      if (!settled) {
        settled = true;
        resolve({ ws, ...result });
      }
    };
    ws.on('error', (error) => done({ ok: false, why: error.message.slice(0, 60) }));
    ws.on('unexpected-response', (_req, res) => done({ ok: false, why: `HTTP ${res.statusCode}` }));
    ws.on('close', (code) => done({ ok: false, why: `close ${code}` }));
    ws.on('open', () => {
      if (!token) return done({ ok: true });
      ws.send(
        JSON.stringify({
          id: 'auth',
          type: 'control',
          action: 'authenticate',
          data: { token, device: { deviceType: 'desktop', deviceId: `abuse-${Math.random().toString(36).slice(2)}` } },
          timestamp: Date.now(),
        }),
      );
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.action === 'connected') done({ ok: true });
      else if (frame.action === 'error' && frame.data?.ref === 'auth') done({ ok: false, why: frame.data.code });
    });
    setTimeout(() => done({ ok: false, why: 'no answer in 20 s' }), 20_000).unref();
  });
}

/** Tally refusals by reason. @param {{ ok: boolean, why?: string }[]} results */
function reasons(results) {
  /** @type {Record<string, number>} */
  const out = {};
  for (const r of results) if (!r.ok && r.why) out[r.why] = (out[r.why] ?? 0) + 1;
  return out;
}

/**
 * (c) Authenticated sockets of one user, and anonymous sockets from one IP. The authenticated ones stay open for (d).
 * @param {AbuseServer} server
 * @param {{ authSockets: number, anonSockets: number, user: User }} options
 */
export async function socketHoard(server, { authSockets, anonSockets, user }) {
  const rssBefore = server.rss();
  const auth = await pool(authSockets, 50, () => openSocket(server.wsUrl, user.token));
  const authOpen = auth.filter((r) => r.ok && r.ws.readyState === WebSocket.OPEN);
  const rssAfterAuth = server.rss();
  const anon = await pool(anonSockets, 50, () => openSocket(server.wsUrl, undefined));
  const anonOpen = anon.filter((r) => r.ok && r.ws.readyState === WebSocket.OPEN).length;
  for (const r of anon) r.ws.terminate();
  return {
    figures: {
      authAttempted: authSockets,
      authConnected: authOpen.length,
      authRefused: reasons(auth),
      authRssDeltaMiB: mib(rssAfterAuth - rssBefore),
      anonAttempted: anonSockets,
      anonOpenAtOnce: anonOpen,
      anonRefused: reasons(anon),
    },
    sockets: authOpen.map((r) => r.ws),
  };
}

/** A group of `user`'s own, to write into. @param {AbuseServer} server @param {User} user */
export async function ownGroup(server, user) {
  const answer = await http(server.baseUrl, 'POST', '/api/v1/conversations', {
    token: user.token,
    json: { kind: 'group', title: 'flood', memberIds: [] },
    from: nextAddress(),
  });
  if (answer.status !== 201) throw new Error(`create a group: ${answer.status} ${JSON.stringify(answer.json)}`);
  return /** @type {string} */ (answer.json.conversation.id);
}

/**
 * (d) One user writes 16 KB messages flat out over every socket it holds.
 * @param {AbuseServer} server
 * @param {{ sockets: import('ws').WebSocket[], conversationId: string, perSocket: number }} options
 */
export async function messageFlood(server, { sockets, conversationId, perSocket }) {
  const text = 'x'.repeat(16_000);
  const rssBefore = server.rss();
  let accepted = 0;
  let refused = 0;
  /** @type {Record<string, number>} */
  const codes = {};
  /** @type {Record<string, number>} */
  const closedByServer = {};
  /** Set once the flood is over: the client's own closes after it are not the server's. */
  let over = false;
  const started = performance.now();
  await Promise.all(
    sockets.map(
      (ws, s) =>
        new Promise((resolve) => {
          let replies = 0;
          const finish = () => {
            ws.off('message', onMessage);
            resolve(undefined);
          };
          const onMessage = (/** @type {Buffer} */ data) => {
            const frame = JSON.parse(String(data));
            if (!String(frame.data?.ref ?? '').startsWith('f')) return;
            if (frame.action === 'ack') accepted++;
            else {
              refused++;
              codes[frame.data.code] = (codes[frame.data.code] ?? 0) + 1;
            }
            if (++replies === perSocket) finish();
          };
          ws.on('message', onMessage);
          ws.once('close', (code) => {
            if (!over) closedByServer[code] = (closedByServer[code] ?? 0) + 1;
            finish();
          });
          setTimeout(finish, 30_000).unref();
          for (let i = 0; i < perSocket; i++) {
            const frame = { id: `f${s}-${i}`, type: 'text', action: 'send_message', data: { conversationId, text }, timestamp: Date.now() };
            ws.send(JSON.stringify(frame));
          }
        }),
    ),
  );
  const elapsed = (performance.now() - started) / 1000;
  over = true;
  for (const ws of sockets) ws.terminate();
  return {
    sockets: sockets.length,
    sent: sockets.length * perSocket,
    accepted,
    refused,
    codes,
    unanswered: sockets.length * perSocket - accepted - refused,
    socketsClosedByServer: closedByServer,
    elapsedSeconds: round(elapsed, 2),
    rssDeltaMiB: mib(server.rss() - rssBefore),
  };
}

/**
 * (e) Unattached uploads of `sizeMiB` each, one after another.
 * @param {AbuseServer} server
 * @param {{ uploads: number, sizeMiB: number, user: User }} options
 */
export async function uploadHoard(server, { uploads, sizeMiB, user }) {
  const form = multipart(Buffer.alloc(sizeMiB * 2 ** 20, 'unattached bytes that nobody will ever read\n'), 'hoard.txt', 'text/plain');
  const started = performance.now();
  const answers = [];
  for (let i = 0; i < uploads; i++)
    answers.push(await http(server.baseUrl, 'POST', '/api/v1/files/upload', { ...form, token: user.token }));
  return {
    attempted: uploads,
    sizeMiB,
    accepted: answers.filter((a) => a.status === 201).length,
    answers: statuses(answers),
    seconds: round((performance.now() - started) / 1000, 2),
  };
}

/**
 * (f) `count` connections that send headers and a little body, then nothing: how many are open after `waitSeconds`.
 * @param {AbuseServer} server
 * @param {{ count: number, waitSeconds: number }} options
 */
export async function slowBodies(server, { count, waitSeconds }) {
  let open = 0;
  let lastClosedAt = 0;
  const started = performance.now();
  /** @type {import('node:net').Socket[]} */
  const all = [];
  /** @type {boolean} whether the server dropped every connection within the wait */
  const closedAll = await new Promise((resolve) => {
    let pending = count;
    for (let i = 0; i < count; i++) {
      const socket = connect(server.port, '127.0.0.1');
      all.push(socket);
      socket.on('error', () => undefined);
      // Read (and drop) what the server says: a socket nobody reads never sees the server's close.
      socket.resume();
      socket.once('connect', () => {
        open++;
        socket.write(
          'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":"',
        );
      });
      socket.once('close', () => {
        open--;
        lastClosedAt = performance.now();
        if (--pending === 0) resolve(true);
      });
    }
    setTimeout(() => resolve(false), waitSeconds * 1000);
  });
  // Counted before the client lets go of the ones the server still holds.
  const stillOpen = closedAll ? 0 : open;
  for (const socket of all) socket.destroy();
  return {
    connections: count,
    waitedSeconds: waitSeconds,
    stillOpen,
    allDroppedAfterSeconds: closedAll ? round((lastClosedAt - started) / 1000) : undefined,
    summary: closedAll ? `all dropped after ${round((lastClosedAt - started) / 1000)} s` : `${stillOpen} still held after ${waitSeconds} s`,
  };
}

/**
 * (g) Error reports as fast as they go from `sources` addresses for `ms`: accepted count and database growth.
 * @param {AbuseServer} server
 * @param {{ sources: number, ms: number }} options
 */
export async function errorReportFlood(server, { sources, ms }) {
  const report = {
    message: 'TypeError: flood',
    stack: 's'.repeat(20_000),
    componentStack: 'c'.repeat(20_000),
    url: 'http://abuse.test/',
    userAgent: 'abuse',
  };
  const before = await server.databaseBytes();
  const deadline = performance.now() + ms;
  /** @type {{ status: number, json?: any }[]} */
  const answers = [];
  await Promise.all(
    Array.from({ length: sources }, async (_, i) => {
      while (performance.now() < deadline)
        answers.push(await http(server.baseUrl, 'POST', '/api/v1/errors', { json: report, from: 1 + i }));
    }),
  );
  // Let the database settle (WAL written) before measuring.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = await server.databaseBytes();
  return {
    sources,
    ms,
    sent: answers.length,
    accepted: answers.filter((a) => a.status === 201).length,
    answers: statuses(answers),
    databaseGrowthMiB: mib(after - before),
  };
}
