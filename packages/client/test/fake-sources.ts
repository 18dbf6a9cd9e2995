/**
 * Controllable online, visibility and focus sources that count their listeners (leak checks).
 */
import { type FocusSource, type OnlineSource, Subscribable, type VisibilitySource } from '@herald/client';

class Toggle extends Subscribable<(value: boolean) => void> {
  constructor(public value: boolean) {
    super();
  }
  set(value: boolean): void {
    this.value = value;
    this.notify(value);
  }
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

/** Window `focus`/`pageshow` on demand. */
export class FakeFocus extends Subscribable<() => void> implements FocusSource {
  fire(): void {
    this.notify();
  }
}
