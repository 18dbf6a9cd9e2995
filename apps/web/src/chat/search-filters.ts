/**
 * The search panel's filters as a search request: the typed words (at least SEARCH_MIN_CHARS
 * characters, counted as characters, not UTF-16 units, as the server counts them), this
 * conversation or all, one sender, and a date range from `<input type="date">` values read as
 * local days (`to` takes its whole day). Also the senders the "From" filter offers.
 * Invariants: a query too short is null (nothing to search); blank filters are left out of the
 * request; a reversed date range is put the right way round.
 */
import type { Conversation } from '@herald/protocol';
import type { UseMessageSearch } from '@herald/react';

/** The fewest characters worth a search (the protocol's rule). */
export const SEARCH_MIN_CHARS = 2;

/** A search as the panel sends it. */
export type MessageQuery = NonNullable<UseMessageSearch['query']>;

export interface SearchFilters {
  text: string;
  /** Only this conversation; null for all of mine. */
  conversationId: string | null;
  /** Only messages by this user; null for anyone. */
  senderId: string | null;
  /** `yyyy-mm-dd` or '' (from the start of that local day). */
  fromDate: string;
  /** `yyyy-mm-dd` or '' (up to the end of that local day). */
  toDate: string;
}

/** The request for these filters, or null when the words are too short to search. */
export function searchQueryOf(filters: SearchFilters): MessageQuery | null {
  const query = filters.text.trim();
  if ([...query].length < SEARCH_MIN_CHARS) return null;
  let first = dayStart(filters.fromDate, 0);
  let last = dayStart(filters.toDate, 1);
  if (first !== null && last !== null && last <= first) {
    // Picked the wrong way round: the range between the two days, both included.
    [first, last] = [dayStart(filters.toDate, 0), dayStart(filters.fromDate, 1)];
  }
  return {
    query,
    ...(filters.conversationId ? { conversationId: filters.conversationId } : {}),
    ...(filters.senderId ? { senderId: filters.senderId } : {}),
    ...(first !== null ? { from: first } : {}),
    ...(last !== null ? { to: last } : {}),
  };
}

/** Local midnight `days` after the `yyyy-mm-dd` day (DST-safe); null for blank or impossible dates. */
export function dayStart(value: string, days = 0): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
  const date = new Date(year, month, day);
  if (date.getFullYear() !== year || date.getMonth() !== month || date.getDate() !== day) return null;
  return new Date(year, month, day + days).getTime();
}

/** A sender the "From" filter offers. */
export interface SenderOption {
  userId: string;
  name: string;
}

/** The members of the one conversation searched, or of every loaded conversation; each once, by name. */
export function senderOptions(conversations: readonly Conversation[], conversationId: string | null): SenderOption[] {
  const byId = new Map<string, string>();
  for (const conversation of conversations) {
    if (conversationId !== null && conversation.id !== conversationId) continue;
    for (const member of conversation.members) if (!byId.has(member.userId)) byId.set(member.userId, member.name);
  }
  return [...byId]
    .map(([userId, name]) => ({ userId, name }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
}
