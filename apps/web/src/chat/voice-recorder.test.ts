import { describe, expect, it } from 'vitest';
import { failureOf, type RecorderEnvironment, type RecorderLike, VoiceRecorder, voiceNoteExtension } from './voice-recorder';

/** A fake microphone, recorder and clock: timers fire only when the test says so. */
function fakeEnvironment(options: { deny?: string; supported?: string[] } = {}) {
  const tracks: { stopped: boolean }[] = [];
  const recorders: (RecorderLike & { started: boolean; emit: (bytes: string) => void })[] = [];
  const timers = new Map<number, { callback: () => void; ms: number }>();
  let clock = 1_000;
  let next = 1;
  const env: RecorderEnvironment = {
    getUserMedia: async () => {
      if (options.deny) throw Object.assign(new Error('no'), { name: options.deny });
      const track = {
        stopped: false,
        stop() {
          track.stopped = true;
        },
      };
      tracks.push(track);
      return { getTracks: () => [track] } as unknown as MediaStream;
    },
    createRecorder: (_stream, mimeType) => {
      const recorder = {
        mimeType: mimeType ?? '',
        started: false,
        ondataavailable: null as RecorderLike['ondataavailable'],
        onstop: null as RecorderLike['onstop'],
        onerror: null as RecorderLike['onerror'],
        start() {
          recorder.started = true;
        },
        stop() {
          if (!recorder.started) throw new Error('inactive');
          recorder.started = false;
          recorder.emit('tail');
          queueMicrotask(() => recorder.onstop?.());
        },
        emit(bytes: string) {
          recorder.ondataavailable?.({ data: new Blob([bytes]) });
        },
      };
      recorders.push(recorder);
      return recorder;
    },
    isTypeSupported: (type) => (options.supported ?? ['audio/webm;codecs=opus']).includes(type),
    now: () => clock,
    setTimer: (callback, ms) => {
      const id = next++;
      timers.set(id, { callback, ms });
      return id;
    },
    clearTimer: (id) => void timers.delete(id as number),
  };
  return {
    env,
    tracks,
    recorders,
    timers,
    advance(ms: number) {
      clock += ms;
      for (const [id, timer] of [...timers]) {
        if (timer.ms <= ms) {
          timers.delete(id);
          timer.callback();
        }
      }
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('VoiceRecorder', () => {
  it('records Opus in WebM and hands back a file, releasing the microphone', async () => {
    const fake = fakeEnvironment();
    const recorder = new VoiceRecorder(fake.env);
    const seen: string[] = [];
    recorder.subscribe(() => seen.push(recorder.getSnapshot().kind));
    await recorder.start();
    expect(recorder.getSnapshot()).toEqual({ kind: 'recording', startedAt: 1_000 });
    fake.recorders[0]?.emit('chunk-1');
    const file = await recorder.finish();
    expect(file?.name).toMatch(/^voice-note-.*\.webm$/);
    expect(file?.type).toBe('audio/webm');
    expect(await file?.text()).toBe('chunk-1tail');
    expect(fake.tracks.every((track) => track.stopped)).toBe(true);
    expect(fake.timers.size).toBe(0);
    expect(seen).toEqual(['starting', 'recording', 'idle']);
  });

  it('stops by itself at the limit and keeps the note for send or discard', async () => {
    const fake = fakeEnvironment();
    const recorder = new VoiceRecorder(fake.env, 60_000);
    await recorder.start();
    fake.recorders[0]?.emit('x');
    fake.advance(60_000);
    await settle();
    const state = recorder.getSnapshot();
    expect(state.kind).toBe('stopped');
    expect(state.kind === 'stopped' && state.durationMs).toBe(60_000);
    expect(fake.tracks[0]?.stopped).toBe(true);
    const file = await recorder.finish();
    expect(await file?.text()).toBe('xtail');
    expect(recorder.getSnapshot().kind).toBe('idle');
  });

  it('cancel discards the recording and frees the microphone; a later finish gives nothing', async () => {
    const fake = fakeEnvironment();
    const recorder = new VoiceRecorder(fake.env);
    await recorder.start();
    fake.recorders[0]?.emit('secret');
    recorder.cancel();
    await settle();
    expect(recorder.getSnapshot().kind).toBe('idle');
    expect(fake.tracks[0]?.stopped).toBe(true);
    expect(await recorder.finish()).toBeNull();
  });

  it('a cancel while the permission prompt is up releases the stream that arrives late', async () => {
    const fake = fakeEnvironment();
    const recorder = new VoiceRecorder(fake.env);
    const starting = recorder.start();
    recorder.cancel();
    await starting;
    expect(recorder.getSnapshot().kind).toBe('idle');
    expect(fake.recorders).toHaveLength(0);
    expect(fake.tracks[0]?.stopped).toBe(true);
  });

  it('refuses politely: unsupported, denied, no microphone', async () => {
    const unsupported = new VoiceRecorder({ ...fakeEnvironment().env, createRecorder: undefined });
    expect(unsupported.supported).toBe(false);
    await unsupported.start();
    expect(unsupported.getSnapshot()).toEqual({ kind: 'error', reason: 'unsupported' });

    const denied = new VoiceRecorder(fakeEnvironment({ deny: 'NotAllowedError' }).env);
    await denied.start();
    expect(denied.getSnapshot()).toEqual({ kind: 'error', reason: 'denied' });
    denied.cancel();
    expect(denied.getSnapshot().kind).toBe('idle');

    const none = new VoiceRecorder(fakeEnvironment({ deny: 'NotFoundError' }).env);
    await none.start();
    expect(none.getSnapshot()).toEqual({ kind: 'error', reason: 'no-device' });
    expect(failureOf(new Error('boom'))).toBe('failed');
  });

  it('falls back to another container where WebM is not supported', async () => {
    const fake = fakeEnvironment({ supported: ['audio/mp4'] });
    const recorder = new VoiceRecorder(fake.env);
    await recorder.start();
    const file = await recorder.finish();
    expect(file?.name).toMatch(/\.m4a$/);
    expect(file?.type).toBe('audio/mp4');
    expect(voiceNoteExtension('audio/ogg;codecs=opus')).toBe('ogg');
    expect(voiceNoteExtension('audio/webm;codecs=opus')).toBe('webm');
  });
});
