/**
 * Notification preferences, framework-free: whether to play a sound (persisted in localStorage),
 * observable for useSyncExternalStore.
 */
const SOUND_KEY = 'herald.sound';

export class NotificationPreferences {
  private sound: boolean;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage) {
    this.sound = storage.getItem(SOUND_KEY) === 'on';
  }

  getSound = (): boolean => this.sound;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  setSound(on: boolean): void {
    if (on === this.sound) return;
    this.sound = on;
    this.storage.setItem(SOUND_KEY, on ? 'on' : 'off');
    for (const listener of [...this.listeners]) listener();
  }
}
