/**
 * DraftStore: what the user typed but has not sent, per account and conversation, in
 * localStorage, so a reload (or a crash) does not lose it. Cleared when the text is handed to the
 * SDK (whose outbox keeps it from then on, in IndexedDB). Storage is passed in; without one (or
 * when the browser refuses: private mode, quota) drafts live only as long as the page.
 * Invariant: a key holds one account's draft for one conversation; an empty draft is no key.
 */

const PREFIX = 'herald-draft:';

/** The slice of the Web Storage API drafts need. */
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export class DraftStore {
  private readonly memory = new Map<string, string>();

  constructor(
    private readonly userId: string,
    private readonly storage: DraftStorage | null = defaultStorage(),
  ) {}

  /** The saved draft of a conversation ('' when none). */
  load(conversationId: string): string {
    const key = this.key(conversationId);
    try {
      return this.storage?.getItem(key) ?? this.memory.get(key) ?? '';
    } catch {
      return this.memory.get(key) ?? '';
    }
  }

  /** Keep `text` as the conversation's draft (blank text removes it). */
  save(conversationId: string, text: string): void {
    const key = this.key(conversationId);
    if (!text.trim()) {
      this.clear(conversationId);
      return;
    }
    this.memory.set(key, text);
    try {
      this.storage?.setItem(key, text);
    } catch {
      // Quota or private mode: the in-memory copy still covers this page's life.
    }
  }

  clear(conversationId: string): void {
    const key = this.key(conversationId);
    this.memory.delete(key);
    try {
      this.storage?.removeItem(key);
    } catch {
      // Nothing more to do: the next save retries.
    }
  }

  private key(conversationId: string): string {
    return `${PREFIX}${this.userId}:${conversationId}`;
  }
}

function defaultStorage(): DraftStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
