/**
 * A tiny REST client for tests: real HTTP via fetch, JSON in and out, no retries.
 */
import type { AuthResponse } from '@herald/protocol';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const init = { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) };
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, init);
    } catch (error) {
      // A pooled keep-alive socket to a server that has since restarted: retry once on a fresh one.
      if ((error as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw error;
      response = await fetch(`${this.baseUrl}${path}`, init);
    }
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Register a fresh account (unique email) and return its tokens. */
  async register(name: string): Promise<AuthResponse> {
    const email = `${name.toLowerCase()}-${Math.random().toString(36).slice(2, 10)}@example.test`;
    const response = await this.request<AuthResponse>('POST', '/api/v1/auth/register', {
      body: { email, password: 'correct horse battery', name },
    });
    if (response.status !== 201) throw new Error(`register failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /** Create a direct or group conversation as `token`'s user and return its id. */
  async conversation(
    token: string,
    body: { kind: 'direct'; userId: string } | { kind: 'group'; title: string; memberIds: string[] },
  ): Promise<string> {
    const response = await this.request<{ conversation: { id: string } }>('POST', '/api/v1/conversations', { body, token });
    if (response.status !== 201) throw new Error(`create conversation failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.conversation.id;
  }

  /** Two fresh users, Alice and Bob, and a direct conversation between them. */
  async directPair(): Promise<{ alice: AuthResponse; bob: AuthResponse; conversationId: string }> {
    const alice = await this.register('Alice');
    const bob = await this.register('Bob');
    const conversationId = await this.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
    return { alice, bob, conversationId };
  }

  /** Send a text message over REST as `token`'s user (a different path than a socket client under test). */
  async sendText(token: string, conversationId: string, text: string): Promise<void> {
    const response = await this.request('POST', `/api/v1/conversations/${conversationId}/messages`, { token, body: { text } });
    if (response.status !== 201) throw new Error(`REST send failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
}
