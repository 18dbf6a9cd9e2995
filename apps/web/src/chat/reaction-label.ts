/**
 * Who reacted, for a reaction chip's title: the names of `userIds` (the server lists at most
 * REACTION_USERS_SHOWN of them), "You" for me, and "and N more" for those `count` has but the list
 * does not. Unknown ids (members who left) count among the "more".
 */
import type { Reaction } from '@herald/protocol';

export interface ReactionLabelWords {
  you: string;
  /** Joins names, e.g. ", " or "、". */
  separator: string;
  /** "{names} and {count} more". */
  more: (names: string, count: number) => string;
}

export function reactionLabel(
  reaction: Pick<Reaction, 'userIds' | 'count'>,
  myId: string,
  names: ReadonlyMap<string, string>,
  words: ReactionLabelWords,
): string {
  const known: string[] = [];
  for (const id of reaction.userIds) {
    const name = id === myId ? words.you : names.get(id);
    if (name !== undefined) known.push(name);
  }
  const rest = Math.max(0, reaction.count - known.length);
  const list = known.join(words.separator);
  if (rest === 0) return list;
  return words.more(list, rest);
}
