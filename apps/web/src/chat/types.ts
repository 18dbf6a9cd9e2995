/** Types the chat views share. */
export type { ConversationMessage } from '@herald/react';
