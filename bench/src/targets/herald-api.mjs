/**
 * The few Herald REST calls the bench needs to set up accounts and conversations, through the typed
 * client derived from the REST contract (`createRestClient` of @herald/protocol).
 * Invariant: any non-2xx answer throws (a HeraldError with the server's code and the HTTP status),
 * so setup never half-succeeds silently.
 * The protocol is loaded from its build when first needed (`npm run bench` builds first), so the
 * bench's command line (--help, usage errors) still runs on a clean clone; its types come from the
 * sources.
 */

/** @type {Promise<typeof import('@herald/protocol')> | undefined} */
let protocol;

/** @param {string} baseUrl e.g. http://127.0.0.1:8000 */
export function heraldApi(baseUrl) {
  /** @type {Promise<import('@herald/protocol').RestClient> | undefined} */
  let client;
  const rest = () => {
    protocol ??= import('@herald/protocol');
    client ??= protocol.then(({ createRestClient }) => createRestClient({ baseUrl }));
    return client;
  };
  return {
    /** Register bench user `index`; returns its id and access token. @param {number} index */
    async register(index) {
      const body = { email: `bench-${index}@bench.example.com`, password: 'bench-password-123', name: `Bench ${index}` };
      const result = await (await rest()).auth.register({ body });
      return { id: String(result.user.id), token: String(result.accessToken) };
    },
    /** Create a group owned by the token's user with every listed member (batched by the 1000-per-call cap). @param {string} token @param {string} title @param {string[]} memberIds */
    async createGroup(token, title, memberIds) {
      const api = await rest();
      const first = memberIds.slice(0, 999);
      const { conversation } = await api.conversations.create({ body: { kind: 'group', title, memberIds: first }, token });
      for (let i = 999; i < memberIds.length; i += 1000) {
        await api.conversations.addMembers({ params: { id: conversation.id }, body: { userIds: memberIds.slice(i, i + 1000) }, token });
      }
      return String(conversation.id);
    },
    /** Open (or find) the direct conversation between the token's user and `userId`. @param {string} token @param {string} userId */
    async createDirect(token, userId) {
      const { conversation } = await (await rest()).conversations.create({ body: { kind: 'direct', userId }, token });
      return String(conversation.id);
    },
  };
}
