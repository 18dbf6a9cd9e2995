/**
 * checkAttachment: the attachment of an image, file or audio message must be an upload of the
 * sender whose kind fits the message type; its description comes from the stored metadata.
 * Invariant: name, MIME type, size and dimensions on a message are the server's, never the
 * client's claims (only `durationMs`, which the server does not measure, is passed through); an
 * upload no message carries yet is accepted only until a safety margin before the unattached
 * sweep's grace period ends (min(1 min, grace/4)), so the sweep can never delete a file a message
 * is being written with (the check-to-write time and the nodes' clock skew must stay under it).
 */
import { type Attachment, ErrorCode, HeraldError, type MessageType } from '@herald/protocol';
import type { FileRepository } from './file-repository.js';
import type { FileKind } from './file-types.js';

/** The file kind a message type demands; undefined accepts any kind. */
const KIND_FOR: Partial<Record<MessageType, FileKind>> = { image: 'image', audio: 'audio' };

/** How long before the end of an unattached upload's grace period it stops being attachable. */
export function attachMarginMs(graceMs: number): number {
  return Math.min(60_000, graceMs / 4);
}

/**
 * The attachment as stored, or throws `bad_request` (unknown, wrong kind, expired unattached) /
 * `forbidden` (not the sender's). `attachWithinMs`: the unattached sweep's grace period, if any.
 */
export async function checkAttachment(
  files: FileRepository,
  senderId: string,
  type: MessageType,
  attachment: Attachment,
  attachWithinMs?: number,
  now = Date.now(),
): Promise<Attachment> {
  const file = await files.findFile(attachment.fileId);
  if (!file) throw new HeraldError(ErrorCode.BadRequest, 'unknown attachment', { fileId: attachment.fileId });
  if (file.uploaderId !== senderId) throw new HeraldError(ErrorCode.Forbidden, 'you can only attach files you uploaded');
  if (
    attachWithinMs !== undefined &&
    now > file.createdAt + attachWithinMs - attachMarginMs(attachWithinMs) &&
    !(await files.isAttached(file.id))
  ) {
    throw new HeraldError(ErrorCode.BadRequest, 'this upload was never attached and is about to be deleted; upload it again', {
      fileId: file.id,
    });
  }
  const needed = KIND_FOR[type];
  if (needed && file.kind !== needed) {
    throw new HeraldError(ErrorCode.BadRequest, `an ${type} message needs an ${needed} file, not ${file.kind}`, {
      fileId: file.id,
      kind: file.kind,
    });
  }
  return {
    fileId: file.id,
    name: file.name,
    mimeType: file.mimeType,
    size: file.size,
    ...(file.width !== null ? { width: file.width } : {}),
    ...(file.height !== null ? { height: file.height } : {}),
    ...(attachment.durationMs !== undefined ? { durationMs: attachment.durationMs } : {}),
  };
}
