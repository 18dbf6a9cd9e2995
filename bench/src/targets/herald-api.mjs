/**
 * The few Herald REST calls the bench needs to set up accounts and conversations.
 * Invariant: any non-2xx answer throws with the status and body, so setup never half-succeeds silently.
 */

/** @param {string} baseUrl e.g. http://127.0.0.1:8000 */
export function heraldApi(baseUrl) {
  /** @param {string} method @param {string} path @param {unknown} body @param {string} [token] */
  const call = async (method, path, body, token) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} -> ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  return {
    /** Register bench user `index`; returns its id and access token. @param {number} index */
    async register(index) {
      const body = { email: `bench-${index}@bench.example.com`, password: 'bench-password-123', name: `Bench ${index}` };
      const result = await call('POST', '/api/v1/auth/register', body);
      return { id: String(result.user.id), token: String(result.accessToken) };
    },
    /** Create a group owned by the token's user with every listed member (batched by the 1000-per-call cap). @param {string} token @param {string} title @param {string[]} memberIds */
    async createGroup(token, title, memberIds) {
      const first = memberIds.slice(0, 999);
      const { conversation } = await call('POST', '/api/v1/conversations', { kind: 'group', title, memberIds: first }, token);
      for (let i = 999; i < memberIds.length; i += 1000) {
        await call('POST', `/api/v1/conversations/${conversation.id}/members`, { userIds: memberIds.slice(i, i + 1000) }, token);
      }
      return String(conversation.id);
    },
    /** Open (or find) the direct conversation between the token's user and `userId`. @param {string} token @param {string} userId */
    async createDirect(token, userId) {
      const { conversation } = await call('POST', '/api/v1/conversations', { kind: 'direct', userId }, token);
      return String(conversation.id);
    },
  };
}
