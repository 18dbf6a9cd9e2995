// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../i18n/I18nProvider';
import { Composer, type ComposerProps } from './Composer';

afterEach(cleanup);

/** The composer with its text in state, as ConversationView keeps it (in the saved draft). */
function Harness(props: Omit<ComposerProps, 'text' | 'onTextChange'>) {
  const [text, setText] = useState('');
  return <Composer text={text} onTextChange={setText} {...props} />;
}

function setup() {
  const onSend = vi.fn();
  const onTyping = vi.fn();
  const onStopTyping = vi.fn();
  render(
    <I18nProvider language="en">
      <Harness onSend={onSend} onTyping={onTyping} onStopTyping={onStopTyping} />
    </I18nProvider>,
  );
  const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
  return { box, onSend, onTyping, onStopTyping };
}

describe('Composer', () => {
  it('sends the trimmed text on Enter and clears the box', () => {
    const { box, onSend, onTyping, onStopTyping } = setup();
    fireEvent.change(box, { target: { value: '  hello  ' } });
    expect(onTyping).toHaveBeenCalled();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledWith('hello');
    expect(box.value).toBe('');
    expect(onStopTyping).toHaveBeenCalled();
  });

  it('does not send on Shift+Enter (a new line) nor while an input method composes', () => {
    const { box, onSend } = setup();
    fireEvent.change(box, { target: { value: 'line one' } });
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    fireEvent.keyDown(box, { key: 'Enter', isComposing: true });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 229 });
    expect(onSend).not.toHaveBeenCalled();
    expect(box.value).toBe('line one');
  });

  it('does not send blank text', () => {
    const { box, onSend } = setup();
    fireEvent.change(box, { target: { value: '   ' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).not.toHaveBeenCalled();
  });

  it('sends with the Send button', () => {
    const { box, onSend } = setup();
    fireEvent.change(box, { target: { value: 'via button' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenCalledWith('via button');
  });

  it('shows the counter near the limit, refuses text over it with a message and keeps the text', () => {
    const { box, onSend } = setup();
    fireEvent.change(box, { target: { value: 'x'.repeat(14_000) } });
    expect(screen.queryByTestId('composer-count')).toBeNull();
    fireEvent.change(box, { target: { value: 'x'.repeat(15_000) } });
    expect(screen.getByTestId('composer-count').textContent).toBe('15,000 / 16,000 characters');
    expect(screen.queryByRole('alert')).toBeNull();

    fireEvent.change(box, { target: { value: 'x'.repeat(16_500) } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).not.toHaveBeenCalled();
    expect(box.value).toHaveLength(16_500);
    expect(screen.getByRole('alert').textContent).toContain('Shorten it by 500');
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(box, { target: { value: 'x'.repeat(16_000) } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledWith('x'.repeat(16_000));
    expect(box.value).toBe('');
  });
});
