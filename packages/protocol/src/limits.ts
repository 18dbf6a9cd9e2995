/**
 * Numeric limits of the contract, without zod, so a browser client can read them without pulling
 * in the schemas (models.ts and delivery.ts re-export them beside the schemas that use them).
 */

/** Limits on message content, shared so clients can validate before sending. */
export const MESSAGE_TEXT_MAX = 16_000;
/** Distinct emoji on one message, and emoji one user may put on one message. */
export const REACTIONS_PER_MESSAGE_MAX = 20;
export const REACTIONS_PER_USER_MAX = 10;
/** How many reacting users a Reaction lists by id (`count` has them all). */
export const REACTION_USERS_SHOWN = 20;
/** Characters of a reply preview's first line. */
export const REPLY_PREVIEW_MAX = 140;
/** Users one message may mention by name. */
export const MENTIONS_MAX = 50;
/** The largest page `history` returns. */
export const HISTORY_PAGE_MAX = 200;

/** Least time between two `mark_delivered` of one conversation from one client (ms). */
export const DELIVERY_CONFIRM_INTERVAL_MS = 300;

/**
 * A group with more members than this is *large*: presence, typing and read receipts reach its
 * members by interest rather than by membership (docs/protocol.md "Presence and large groups").
 * Direct conversations and groups up to this size push `presence_update` to every member's sessions.
 */
export const LARGE_GROUP_MIN_MEMBERS = 51;
/** Users one `presence_subscribe` or `presence_unsubscribe` may name. */
export const PRESENCE_IDS_MAX = 500;
/** Users one connection may watch at once with `presence_subscribe`. */
export const PRESENCE_WATCH_MAX = 5_000;
