// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadDictionary } from '../i18n/dictionaries';
import { I18nProvider } from '../i18n/I18nProvider';
import { LANGUAGES } from '../i18n/translate';
import { Composer } from './Composer';
import { formatDuration, VoiceRecorderBar } from './VoiceRecorderBar';
import type { RecorderEnvironment } from './voice-recorder';

// The provider renders once its dictionary is here; loaded up front, the first render has the strings.
beforeAll(() => Promise.all(LANGUAGES.map((language) => loadDictionary(language))));
afterEach(cleanup);

/** A recorder environment whose microphone answers at once. */
function environment(overrides: Partial<RecorderEnvironment> = {}): RecorderEnvironment {
  return {
    getUserMedia: async () => ({ getTracks: () => [{ stop() {} }] }) as unknown as MediaStream,
    createRecorder: () => {
      const recorder = {
        mimeType: 'audio/webm;codecs=opus',
        ondataavailable: null as ((event: { data: Blob }) => void) | null,
        onstop: null as (() => void) | null,
        onerror: null,
        start() {},
        stop() {
          recorder.ondataavailable?.({ data: new Blob(['opus']) });
          queueMicrotask(() => recorder.onstop?.());
        },
      };
      return recorder;
    },
    isTypeSupported: () => true,
    now: () => Date.now(),
    setTimer: (callback, ms) => setTimeout(callback, ms),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    ...overrides,
  };
}

function renderBar(env: RecorderEnvironment, language: 'en' | 'zh' = 'en') {
  const onSend = vi.fn();
  const onClose = vi.fn();
  render(
    <I18nProvider language={language}>
      <VoiceRecorderBar onSend={onSend} onClose={onClose} environment={env} />
    </I18nProvider>,
  );
  return { onSend, onClose };
}

describe('VoiceRecorderBar', () => {
  it('records, shows the timer against the limit and sends the file', async () => {
    const { onSend, onClose } = renderBar(environment());
    await screen.findByText('Recording');
    expect(screen.getByTestId('voice-timer').textContent).toBe('0:00 / 5:00');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Send voice note' })));
    await vi.waitFor(() => expect(onSend).toHaveBeenCalledTimes(1));
    const sent = onSend.mock.calls[0] as [File] | undefined;
    expect(sent?.[0].type).toBe('audio/webm');
    expect(onClose).toHaveBeenCalled();
  });

  it('Escape discards without sending', async () => {
    const { onSend, onClose } = renderBar(environment());
    await screen.findByText('Recording');
    fireEvent.keyDown(screen.getByTestId('voice-recorder'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
    expect(onSend).not.toHaveBeenCalled();
  });

  it('says why it cannot record, in both languages', async () => {
    renderBar(environment({ getUserMedia: async () => Promise.reject(Object.assign(new Error('x'), { name: 'NotAllowedError' })) }));
    expect((await screen.findByTestId('voice-error')).textContent).toMatch(/Microphone access was refused/);
    cleanup();
    renderBar(environment({ createRecorder: undefined }), 'zh');
    expect((await screen.findByTestId('voice-error')).textContent).toMatch(/此浏览器无法在这里录音/);
  });

  it('formats durations as m:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(61_500)).toBe('1:01');
    expect(formatDuration(300_000)).toBe('5:00');
  });
});

function Harness(props: { attachmentsPending: boolean; onSend: (text: string) => void; onAddFiles: (files: File[]) => void }) {
  const [text, setText] = useState('');
  return <Composer text={text} onTextChange={setText} onVoiceNote={() => undefined} {...props} />;
}

describe('Composer with files waiting', () => {
  it('pasted files go to the tray and the text stays', () => {
    const onAddFiles = vi.fn();
    render(
      <I18nProvider language="en">
        <Harness attachmentsPending={false} onSend={vi.fn()} onAddFiles={onAddFiles} />
      </I18nProvider>,
    );
    const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
    const file = new File(['png'], 'shot.png', { type: 'image/png' });
    fireEvent.paste(box, { clipboardData: { files: [file] } });
    expect(onAddFiles).toHaveBeenCalledWith([file]);
    fireEvent.paste(box, { clipboardData: { files: [] } });
    expect(onAddFiles).toHaveBeenCalledTimes(1);
  });

  it('Send works with an empty caption while files wait, not otherwise', () => {
    const onSend = vi.fn();
    const { rerender } = render(
      <I18nProvider language="en">
        <Harness attachmentsPending={false} onSend={onSend} onAddFiles={vi.fn()} />
      </I18nProvider>,
    );
    const box = screen.getByLabelText('Message');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Record a voice note' })).toBeTruthy();
    rerender(
      <I18nProvider language="en">
        <Harness attachmentsPending onSend={onSend} onAddFiles={vi.fn()} />
      </I18nProvider>,
    );
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledWith('');
    expect(screen.queryByRole('button', { name: 'Record a voice note' })).toBeNull();
  });
});
