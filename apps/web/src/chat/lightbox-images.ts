/**
 * The images the lightbox steps through: every image attachment among the conversation's loaded
 * messages, oldest first (the order on screen), deleted ones left out. Stepping stops at either end
 * (no wrap-around: the ends tell the user where they are).
 */
import type { Attachment } from '@herald/protocol';
import { createContext, useContext } from 'react';
import type { ConversationMessage } from './types';

export interface LightboxImage {
  fileId: string;
  name: string;
  attachment: Attachment;
  senderId: string;
  createdAt: ConversationMessage['createdAt'];
}

/** The loaded messages' images, in order. */
export function lightboxImages(messages: readonly ConversationMessage[]): LightboxImage[] {
  const images: LightboxImage[] = [];
  const seen = new Set<string>();
  for (const message of messages) {
    const attachment = message.attachment;
    if (message.type !== 'image' || !attachment || message.deletedAt || seen.has(attachment.fileId)) continue;
    seen.add(attachment.fileId);
    images.push({
      fileId: attachment.fileId,
      name: attachment.name ?? attachment.fileId,
      attachment,
      senderId: message.senderId,
      createdAt: message.createdAt,
    });
  }
  return images;
}

/** The index one step from `index` (−1 or +1), clamped to the list. */
export function stepIndex(index: number, step: -1 | 1, length: number): number {
  if (length === 0) return 0;
  return Math.min(length - 1, Math.max(0, index + step));
}

/** Opens the conversation's lightbox on an image (provided by ConversationView; null elsewhere). */
export const LightboxContext = createContext<((fileId: string) => void) | null>(null);

export function useOpenLightbox(): ((fileId: string) => void) | null {
  return useContext(LightboxContext);
}
