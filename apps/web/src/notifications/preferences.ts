/**
 * Notification preferences, framework-free: whether to play a sound, whether to show desktop
 * notifications, and — legacy, from before mute was a server setting — the conversations each user
 * muted in this browser (useLegacyMutes moves them to the server, then clears them here).
 * Persisted in localStorage (mutes per user id, so two accounts on one browser keep their own);
 * observable for useSyncExternalStore (`getMuted` returns the same Set until it changes).
 */
import { Subscribable } from '@herald/client';

const SOUND_KEY = 'herald.sound';
const DESKTOP_KEY = 'herald.desktop';
const MUTED_KEY = 'herald.muted.';
const NONE: ReadonlySet<string> = new Set();

export class NotificationPreferences extends Subscribable {
  private sound: boolean;
  private desktop: boolean;
  private readonly muted = new Map<string, ReadonlySet<string>>();

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage) {
    super();
    this.sound = storage.getItem(SOUND_KEY) === 'on';
    // On unless turned off: permission is the browser's; this is the user's way back out of it.
    this.desktop = storage.getItem(DESKTOP_KEY) !== 'off';
  }

  getSound = (): boolean => this.sound;

  setSound(on: boolean): void {
    if (on === this.sound) return;
    this.sound = on;
    this.storage.setItem(SOUND_KEY, on ? 'on' : 'off');
    this.notify();
  }

  /** Desktop notifications while the tab is hidden (needs the browser's permission as well). */
  getDesktop = (): boolean => this.desktop;

  setDesktop(on: boolean): void {
    if (on === this.desktop) return;
    this.desktop = on;
    this.storage.setItem(DESKTOP_KEY, on ? 'on' : 'off');
    this.notify();
  }

  /** The conversations `userId` muted. */
  getMuted(userId: string): ReadonlySet<string> {
    let muted = this.muted.get(userId);
    if (!muted) {
      muted = readIds(this.storage.getItem(MUTED_KEY + userId));
      this.muted.set(userId, muted);
    }
    return muted;
  }

  isMuted(userId: string, conversationId: string): boolean {
    return this.getMuted(userId).has(conversationId);
  }

  setMuted(userId: string, conversationId: string, on: boolean): void {
    const current = this.getMuted(userId);
    if (current.has(conversationId) === on) return;
    const next = new Set(current);
    if (on) next.add(conversationId);
    else next.delete(conversationId);
    this.muted.set(userId, next);
    this.storage.setItem(MUTED_KEY + userId, JSON.stringify([...next]));
    this.notify();
  }
}

function readIds(stored: string | null): ReadonlySet<string> {
  if (!stored) return NONE;
  try {
    const ids: unknown = JSON.parse(stored);
    return Array.isArray(ids) ? new Set(ids.filter((id): id is string => typeof id === 'string')) : NONE;
  } catch {
    return NONE;
  }
}
