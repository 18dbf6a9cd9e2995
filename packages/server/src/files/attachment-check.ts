/**
 * checkAttachment: the attachment of an image, file or audio message must be an upload of the
 * sender whose kind fits the message type; its description comes from the stored metadata.
 * Invariant: name, MIME type, size and dimensions on a message are the server's, never the
 * client's claims (only `durationMs`, which the server does not measure, is passed through).
 */
import { type Attachment, ErrorCode, HeraldError, type MessageType } from '@herald/protocol';
import type { FileRepository } from './file-repository.js';
import type { FileKind } from './file-types.js';

/** The file kind a message type demands; undefined accepts any kind. */
const KIND_FOR: Partial<Record<MessageType, FileKind>> = { image: 'image', audio: 'audio' };

/** The attachment as stored, or throws `bad_request` (unknown, wrong kind) / `forbidden` (not the sender's). */
export async function checkAttachment(
  files: FileRepository,
  senderId: string,
  type: MessageType,
  attachment: Attachment,
): Promise<Attachment> {
  const file = await files.findFile(attachment.fileId);
  if (!file) throw new HeraldError(ErrorCode.BadRequest, 'unknown attachment', { fileId: attachment.fileId });
  if (file.uploaderId !== senderId) throw new HeraldError(ErrorCode.Forbidden, 'you can only attach files you uploaded');
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
