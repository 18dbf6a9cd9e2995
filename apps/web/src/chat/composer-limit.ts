/**
 * The composer's length limit: the protocol's MESSAGE_TEXT_MAX, counted as the server counts it
 * (UTF-16 code units of the trimmed text that would be sent). The counter shows from 90% of the
 * limit, so the user sees it coming; over the limit the text cannot be sent and is never cleared.
 */
import { MESSAGE_TEXT_MAX } from '@herald/protocol';

/** Show the counter from this share of the limit. */
export const COUNTER_FROM = 0.9;

export interface ComposerLimit {
  /** Length of what would be sent (trimmed), in UTF-16 code units. */
  length: number;
  max: number;
  /** Near (or past) the limit: show `length / max`. */
  showCounter: boolean;
  /** Past the limit: sending is refused. */
  over: boolean;
  /** How many code units to remove to fit (0 when it fits). */
  excess: number;
}

/** Where `text` stands against the limit. */
export function composerLimit(text: string, max: number = MESSAGE_TEXT_MAX): ComposerLimit {
  const length = text.trim().length;
  return { length, max, showCounter: length >= Math.floor(max * COUNTER_FROM), over: length > max, excess: Math.max(0, length - max) };
}
