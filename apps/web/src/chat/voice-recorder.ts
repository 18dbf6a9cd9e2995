/**
 * VoiceRecorder: records one voice note from the microphone with MediaRecorder (Opus in WebM where
 * the browser can, else its default), observable as a small state machine:
 * idle → starting → recording → (finish) a File | (cancel) idle | (the time limit) stopped, which
 * keeps the recording for send or discard. A refusal is a state too: `unsupported` (no
 * MediaRecorder or getUserMedia: old browser, insecure page), `denied` (permission), `no-device`,
 * `failed`. The environment (media APIs, clock, timers) is passed in, so tests need no globals.
 * Invariants: the microphone is released (every track stopped) whenever recording ends, however
 * it ends; a cancelled or superseded recording never produces a file.
 */
import { Subscribable } from '@herald/client';

/** Five minutes: long enough for a voice note, short enough for the upload limits. */
export const VOICE_NOTE_MAX_MS = 5 * 60 * 1000;

const PREFERRED_TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'];

export type RecorderFailure = 'unsupported' | 'denied' | 'no-device' | 'failed';

export type RecorderState =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'recording'; startedAt: number }
  | { kind: 'stopped'; durationMs: number; file: File }
  | { kind: 'error'; reason: RecorderFailure };

/** The slice of MediaRecorder used here. */
export interface RecorderLike {
  readonly mimeType: string;
  ondataavailable: ((event: { data: Blob }) => void) | null;
  onstop: (() => void) | null;
  onerror: (() => void) | null;
  start(timeslice?: number): void;
  stop(): void;
}

export interface RecorderEnvironment {
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  createRecorder?: (stream: MediaStream, mimeType: string | undefined) => RecorderLike;
  isTypeSupported?: (mimeType: string) => boolean;
  now: () => number;
  setTimer: (callback: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
}

/** The browser's media APIs, or none of them where they are missing. */
export function browserRecorderEnvironment(): RecorderEnvironment {
  const media = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  const Recorder = typeof MediaRecorder === 'undefined' ? undefined : MediaRecorder;
  return {
    getUserMedia: media?.getUserMedia ? (constraints) => media.getUserMedia(constraints) : undefined,
    createRecorder: Recorder
      ? (stream, mimeType) => new Recorder(stream, mimeType ? { mimeType } : undefined) as unknown as RecorderLike
      : undefined,
    isTypeSupported: Recorder ? (type) => Recorder.isTypeSupported(type) : undefined,
    now: () => Date.now(),
    setTimer: (callback, ms) => setTimeout(callback, ms),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}

/** The file extension for a recorder's MIME type. */
export function voiceNoteExtension(mimeType: string): string {
  const base = mimeType.split(';')[0]?.trim() ?? '';
  if (base === 'audio/ogg') return 'ogg';
  if (base === 'audio/mp4' || base === 'video/mp4') return 'm4a';
  return 'webm';
}

/** The failure a getUserMedia rejection stands for. */
export function failureOf(error: unknown): RecorderFailure {
  const name = error instanceof Error || (typeof error === 'object' && error !== null) ? (error as { name?: string }).name : undefined;
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return 'no-device';
  return 'failed';
}

interface Session {
  stream: MediaStream;
  recorder: RecorderLike;
  chunks: Blob[];
  startedAt: number;
  timer: unknown;
  /** Resolves with the file when the recorder has flushed its last chunk. */
  done: Promise<File | null>;
  /** Settles `done` (once; later calls do nothing). */
  settle: (file: File | null) => void;
  cancelled: boolean;
}

export class VoiceRecorder extends Subscribable {
  private state: RecorderState = { kind: 'idle' };
  private session: Session | null = null;
  /** Bumped by every start/cancel, so a late getUserMedia answer for an abandoned start is dropped. */
  private attempt = 0;

  constructor(
    private readonly env: RecorderEnvironment = browserRecorderEnvironment(),
    private readonly maxMs = VOICE_NOTE_MAX_MS,
  ) {
    super();
  }

  readonly getSnapshot = (): RecorderState => this.state;

  /** Whether this browser can record at all. */
  get supported(): boolean {
    return Boolean(this.env.getUserMedia && this.env.createRecorder);
  }

  /** Ask for the microphone and start recording. */
  async start(): Promise<void> {
    if (this.state.kind === 'starting' || this.state.kind === 'recording') return;
    const { getUserMedia, createRecorder } = this.env;
    if (!getUserMedia || !createRecorder) {
      this.set({ kind: 'error', reason: 'unsupported' });
      return;
    }
    const attempt = ++this.attempt;
    this.set({ kind: 'starting' });
    let stream: MediaStream;
    try {
      stream = await getUserMedia({ audio: true });
    } catch (error) {
      if (attempt === this.attempt) this.set({ kind: 'error', reason: failureOf(error) });
      return;
    }
    if (attempt !== this.attempt) {
      release(stream); // cancelled while the permission prompt was up
      return;
    }
    const mimeType = PREFERRED_TYPES.find((type) => this.env.isTypeSupported?.(type));
    let recorder: RecorderLike;
    try {
      recorder = createRecorder(stream, mimeType);
    } catch {
      release(stream);
      this.set({ kind: 'error', reason: 'failed' });
      return;
    }
    const chunks: Blob[] = [];
    const startedAt = this.env.now();
    let finish: (file: File | null) => void = () => undefined;
    const done = new Promise<File | null>((resolve) => (finish = resolve));
    const session: Session = { stream, recorder, chunks, startedAt, timer: null, done, settle: finish, cancelled: false };
    recorder.ondataavailable = (event) => {
      if (event.data.size > 0) chunks.push(event.data);
    };
    recorder.onstop = () => {
      release(stream);
      if (session.cancelled || chunks.length === 0) return finish(null);
      const type = recorder.mimeType || mimeType || 'audio/webm';
      const name = `voice-note-${new Date(startedAt).toISOString().replace(/[:.]/g, '-')}.${voiceNoteExtension(type)}`;
      finish(new File(chunks, name, { type: type.split(';')[0] ?? type }));
    };
    recorder.onerror = () => {
      session.cancelled = true;
      this.endSession(session);
      this.set({ kind: 'error', reason: 'failed' });
    };
    session.timer = this.env.setTimer(() => void this.stopAtLimit(session), this.maxMs);
    this.session = session;
    try {
      recorder.start(1000);
    } catch {
      session.cancelled = true;
      this.endSession(session);
      this.set({ kind: 'error', reason: 'failed' });
      return;
    }
    this.set({ kind: 'recording', startedAt });
  }

  /** Stop and hand back the recording (null when there was nothing to keep). */
  async finish(): Promise<File | null> {
    if (this.state.kind === 'stopped') {
      const { file } = this.state;
      this.set({ kind: 'idle' });
      return file;
    }
    const session = this.session;
    if (!session) return null;
    this.endSession(session);
    const file = await session.done;
    if (!session.cancelled) this.set({ kind: 'idle' });
    return file;
  }

  /** Throw the recording away (and release the microphone); also clears a refusal. */
  cancel(): void {
    this.attempt += 1;
    const session = this.session;
    if (session) {
      session.cancelled = true;
      this.endSession(session);
    }
    this.set({ kind: 'idle' });
  }

  private async stopAtLimit(session: Session): Promise<void> {
    if (this.session !== session) return;
    const durationMs = this.env.now() - session.startedAt;
    this.endSession(session);
    const file = await session.done;
    if (session.cancelled) return;
    this.set(file ? { kind: 'stopped', durationMs, file } : { kind: 'idle' });
  }

  private endSession(session: Session): void {
    if (this.session === session) this.session = null;
    this.env.clearTimer(session.timer);
    try {
      session.recorder.stop(); // onstop releases the stream
    } catch {
      // Already inactive: no onstop will come.
      release(session.stream);
      session.settle(null);
    }
  }

  private set(state: RecorderState): void {
    this.state = state;
    this.notify();
  }
}

function release(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
