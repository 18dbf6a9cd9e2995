/**
 * ProfileService: a user changes their own display name and avatar. An avatar is an image the user
 * uploaded through `/files/upload` (which typed it by its magic bytes): it must be theirs, one of
 * AVATAR_MIME_TYPES and at most AVATAR_MAX_BYTES, else nothing changes. Once written, the change is
 * announced twice: `user_changed` on the bus (every node drops its cached sender profile and
 * re-reads the account) and a `user_changed` frame to every session of the user and of everyone
 * who shares a conversation with them, so names and avatars update live. A replaced avatar is an
 * unattached upload again, and the upload sweep removes it in time.
 */
import {
  AVATAR_MAX_BYTES,
  AVATAR_MIME_TYPES,
  ErrorCode,
  encodeFrame,
  HeraldError,
  type ServerFrameOf,
  type UpdateProfileBody,
  type UserSummary,
} from '@herald/protocol';
import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.js';
import type { ConversationRepository } from '../conversations/conversation-repository.js';
import type { FileRepository } from '../files/file-repository.js';
import { serverFrameId } from '../gateway/server-frame.js';
import type { ProfileRepository } from './profile-repository.js';
import type { UserDirectory } from './user-directory.js';

export interface ProfileServiceDeps {
  profiles: ProfileRepository;
  files: Pick<FileRepository, 'findFile'>;
  contacts: Pick<ConversationRepository, 'contactIds'>;
  users: Pick<UserDirectory, 'forget'>;
  bus: Pick<Bus, 'publish'>;
  log: Logger;
}

const AVATAR_TYPES: ReadonlySet<string> = new Set(AVATAR_MIME_TYPES);

export class ProfileService {
  constructor(private readonly deps: ProfileServiceDeps) {}

  /** Apply the caller's change; their profile as it is afterwards. */
  async update(userId: string, change: UpdateProfileBody): Promise<UserSummary> {
    if (change.avatar != null) await this.assertAvatar(userId, change.avatar);
    const profile = await this.deps.profiles.updateProfile(userId, change);
    if (!profile) throw new HeraldError(ErrorCode.NotFound, 'user not found');
    this.deps.users.forget(userId);
    await this.deps.bus.publish({ type: 'user_changed', userId });
    await this.announce(profile);
    this.deps.log.info({ userId, name: change.name !== undefined, avatar: change.avatar !== undefined }, 'profile changed');
    return profile;
  }

  /** Throws unless `fileId` is an image `userId` uploaded that may be an avatar. */
  private async assertAvatar(userId: string, fileId: string): Promise<void> {
    const file = await this.deps.files.findFile(fileId);
    // Someone else's file gets the same answer as no file: ids of others' uploads are not revealed.
    if (!file || file.uploaderId !== userId) throw new HeraldError(ErrorCode.NotFound, 'file not found', { fileId });
    if (!AVATAR_TYPES.has(file.mimeType)) {
      throw new HeraldError(ErrorCode.BadRequest, `an avatar must be a PNG, JPEG, WebP or GIF image, not ${file.mimeType}`, {
        reason: 'not_an_image',
        mimeType: file.mimeType,
      });
    }
    if (file.size > AVATAR_MAX_BYTES) {
      throw new HeraldError(ErrorCode.TooBig, `an avatar may be at most ${AVATAR_MAX_BYTES} bytes`, {
        limit: AVATAR_MAX_BYTES,
        size: file.size,
      });
    }
  }

  /** The `user_changed` frame to the user's and their contacts' sessions, on every node. */
  private async announce(user: UserSummary): Promise<void> {
    const userIds = [user.id, ...(await this.deps.contacts.contactIds(user.id))];
    const frame: ServerFrameOf<'user_changed'> = {
      id: serverFrameId(),
      type: 'system',
      action: 'user_changed',
      data: { user },
      timestamp: Date.now(),
    };
    await this.deps.bus.publish({ type: 'user_event', target: { userIds }, frame: encodeFrame(frame) });
  }
}
