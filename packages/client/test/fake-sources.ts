/**
 * Controllable online and visibility sources that count their listeners (leak checks).
 */
import type { OnlineSource, VisibilitySource } from '@herald/client';

class Toggle {
  private readonly listeners = new Set<(value: boolean) => void>();
  constructor(public value: boolean) {}
  get listenerCount(): number {
    return this.listeners.size;
  }
  set(value: boolean): void {
    this.value = value;
    for (const listener of [...this.listeners]) listener(value);
  }
  subscribe = (listener: (value: boolean) => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };
}

export class FakeOnline extends Toggle implements OnlineSource {
  constructor(online = true) {
    super(online);
  }
  isOnline = (): boolean => this.value;
}

export class FakeVisibility extends Toggle implements VisibilitySource {
  constructor(visible = true) {
    super(visible);
  }
  isVisible = (): boolean => this.value;
}
