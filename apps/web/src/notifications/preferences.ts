/**
 * Notification preferences, framework-free: whether to play a sound (persisted in localStorage),
 * observable for useSyncExternalStore.
 */
import { Subscribable } from '@herald/client';

const SOUND_KEY = 'herald.sound';

export class NotificationPreferences extends Subscribable {
  private sound: boolean;

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage) {
    super();
    this.sound = storage.getItem(SOUND_KEY) === 'on';
  }

  getSound = (): boolean => this.sound;

  setSound(on: boolean): void {
    if (on === this.sound) return;
    this.sound = on;
    this.storage.setItem(SOUND_KEY, on ? 'on' : 'off');
    this.notify();
  }
}
