/**
 * The rules of `send_message` that a schema's shape cannot say: a text message needs non-blank
 * text, any other type an attachment. Zod-free so a browser client applies the same rule before
 * sending (and before queueing) as the server's schema does after (SendMessageFrameSchema).
 */

export function sendMessageIssues(type: string, data: { text?: unknown; attachment?: unknown }): { path: string; message: string }[] {
  if (type === 'text') {
    return typeof data.text === 'string' && data.text.trim() === ''
      ? [{ path: 'data.text', message: 'a text message needs non-empty text' }]
      : [];
  }
  return data.attachment ? [] : [{ path: 'data.attachment', message: `a ${type} message needs an attachment` }];
}
