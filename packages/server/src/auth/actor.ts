/**
 * Actor: who is asking, as the REST layer knows them after checking the bearer token
 * (http/bearer.ts). Services take an Actor where the answer depends on the caller's role.
 */

/** The authenticated caller of a request: their user id and role (`admin` or `user`). */
export interface Actor {
  userId: string;
  /** The role now (authority.ts reads it from current state, never from the token). */
  role: string;
  /** The session the caller's access token belongs to. */
  sessionId: string;
}
