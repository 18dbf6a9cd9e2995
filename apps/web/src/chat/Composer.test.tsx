// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadDictionary } from '../i18n/dictionaries';
import { I18nProvider } from '../i18n/I18nProvider';
import { Composer, type ComposerProps } from './Composer';

// The provider renders once its dictionary is here; loaded up front, the first render has the strings.
beforeAll(() => loadDictionary('en'));
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

  describe('mentions, replies and Up to edit', () => {
    const members = [
      { userId: 'me', name: 'Me', avatar: null },
      { userId: 'u1', name: 'Ann Lee', avatar: null },
      { userId: 'u2', name: 'Bob', avatar: null },
    ];
    function setupMore(props: Partial<ComposerProps> = {}) {
      const onSend = vi.fn();
      render(
        <I18nProvider language="en">
          <Harness onSend={onSend} mentionMembers={members} myId="me" {...props} />
        </I18nProvider>,
      );
      return { box: screen.getByLabelText('Message') as HTMLTextAreaElement, onSend };
    }

    it('typing @ offers members (not me); arrows and Enter choose "@Name "; the menu closes', async () => {
      const { box, onSend } = setupMore();
      fireEvent.change(box, { target: { value: 'hi @', selectionStart: 4 } });
      const options = screen.getAllByRole('option').map((option) => option.textContent);
      expect(options).toEqual(['ALAnn Lee', 'BOBob']);
      fireEvent.change(box, { target: { value: 'hi @b', selectionStart: 5 } });
      expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual(['BOBob']);
      fireEvent.change(box, { target: { value: 'hi @', selectionStart: 4 } });
      fireEvent.keyDown(box, { key: 'ArrowDown' });
      expect(screen.getAllByRole('option')[1]?.getAttribute('aria-selected')).toBe('true');
      fireEvent.keyDown(box, { key: 'Enter' });
      expect(box.value).toBe('hi @Bob ');
      expect(onSend).not.toHaveBeenCalled();
      expect(screen.queryByRole('listbox')).toBeNull();
    });

    it('Tab chooses too, Escape closes the menu without sending, and @all is offered only when allowed', () => {
      const { box } = setupMore({ groupMentions: true });
      fireEvent.change(box, { target: { value: '@a', selectionStart: 2 } });
      expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual(['ALAnn Lee', '@@alleveryone in this group']);
      fireEvent.keyDown(box, { key: 'Escape' });
      expect(screen.queryByRole('listbox')).toBeNull();
      fireEvent.change(box, { target: { value: '@an', selectionStart: 3 } });
      // Still the same @: it stays closed.
      expect(screen.queryByRole('listbox')).toBeNull();
      fireEvent.change(box, { target: { value: '@an @an', selectionStart: 7 } });
      fireEvent.keyDown(box, { key: 'Tab' });
      expect(box.value).toBe('@an @Ann Lee ');
    });

    it('Escape cancels a reply, ✕ too; Up in an empty box edits the last message, not in a non-empty one', () => {
      const onCancelReply = vi.fn();
      const onEditLast = vi.fn(() => true);
      const { box } = setupMore({ replyTo: { messageId: 'm1', author: 'Bob', text: 'first line' }, onCancelReply, onEditLast });
      expect(screen.getByTestId('reply-bar').textContent).toContain('Replying to Bob');
      fireEvent.keyDown(box, { key: 'Escape' });
      expect(onCancelReply).toHaveBeenCalledTimes(1);
      fireEvent.click(screen.getByRole('button', { name: 'Cancel reply' }));
      expect(onCancelReply).toHaveBeenCalledTimes(2);
      fireEvent.keyDown(box, { key: 'ArrowUp' });
      expect(onEditLast).toHaveBeenCalledTimes(1);
      fireEvent.change(box, { target: { value: 'x', selectionStart: 1 } });
      fireEvent.keyDown(box, { key: 'ArrowUp' });
      expect(onEditLast).toHaveBeenCalledTimes(1);
    });
  });
});
