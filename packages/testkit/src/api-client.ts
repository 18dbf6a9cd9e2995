/**
 * ApiClient: REST for tests over real HTTP, no retries but one (below). `rest` is the typed client
 * derived from the contract, and the helpers (register, conversation, directPair, sendText) use it;
 * `request` is the raw escape hatch for tests that send what no typed call would (malformed
 * bodies, forged tokens) or look at the status of an answer.
 */
import { type AuthResponse, createRestClient, type RestClient } from '@herald/protocol';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

/** fetch, retried once when a pooled keep-alive socket to a server that has since restarted fails. */
const fetchOnce: typeof fetch = async (input, init) => {
  try {
    return await fetch(input, init);
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw error;
    return fetch(input, init);
  }
};

export class ApiClient {
  /** The typed client; pass `token` per call for a user's routes. */
  readonly rest: RestClient;

  constructor(readonly baseUrl: string) {
    this.rest = createRestClient({ baseUrl, fetch: fetchOnce });
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const init = { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) };
    const response = await fetchOnce(`${this.baseUrl}${path}`, init);
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Register a fresh account (unique email) and return its tokens. */
  register(name: string): Promise<AuthResponse> {
    // Names may be any script (张伟); the email's local part keeps only ASCII letters and digits.
    const local = name.toLowerCase().replace(/[^a-z0-9]+/g, '') || 'user';
    const email = `${local}-${Math.random().toString(36).slice(2, 10)}@example.test`;
    return this.rest.auth.register({ body: { email, password: 'correct horse battery', name } });
  }

  /** Create a direct or group conversation as `token`'s user and return its id. */
  async conversation(
    token: string,
    body: { kind: 'direct'; userId: string } | { kind: 'group'; title: string; memberIds: string[] },
  ): Promise<string> {
    const { conversation } = await this.rest.conversations.create({ body, token });
    return conversation.id;
  }

  /** Two fresh users, Alice and Bob, and a direct conversation between them. */
  async directPair(): Promise<{ alice: AuthResponse; bob: AuthResponse; conversationId: string }> {
    // Bob first: Alice's token is the fresher one when it creates the conversation (tests run short token TTLs).
    const bob = await this.register('Bob');
    const alice = await this.register('Alice');
    const conversationId = await this.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
    return { alice, bob, conversationId };
  }

  /** Send a text message over REST as `token`'s user (a different path than a socket client under test). */
  async sendText(token: string, conversationId: string, text: string): Promise<void> {
    const { duplicate } = await this.rest.conversations.send({ params: { id: conversationId }, body: { text }, token });
    // A fresh client id every call: a repeat would mean the server took this for another message.
    if (duplicate) throw new Error(`REST send to ${conversationId} was taken as a repeat`);
  }
}
