/**
 * FileRepository: what is known of each uploaded file (the bytes live in FileStorage), who may
 * read it, how much each user stores, and which uploads no message carries.
 * Invariants: a file is readable by its uploader, by the members of any conversation where a
 * message carries it, and — while it is someone's avatar — by every signed-in user (avatars show
 * wherever a user does, user search included); by nobody else. A user's current avatar counts as
 * attached: it is never swept nor deleted as an unattached upload; `insertFileWithinQuota` never lets a user's stored total
 * pass the quota, however many uploads finish at once on however many nodes (the check and the
 * insert are one transaction, serialised per user); a file is "attached" while a message carries
 * it, and `deleteUnattachedFile` deletes only an unattached one, at most once (the caller that gets
 * the record back is the one that removes its bytes).
 */
import { randomUUID } from 'node:crypto';
import type { FileInfo } from '@herald/protocol';
import { type Kysely, PostgresAdapter, type Selectable, type Transaction } from 'kysely';
import type { Database, FilesTable } from '../store/schema.js';

export interface NewFile {
  uploaderId: string;
  name: string;
  mimeType: string;
  size: number;
  kind: FileInfo['kind'];
  width: number | null;
  height: number | null;
  storageKey: string;
}

export interface FileRecord extends FileInfo {
  storageKey: string;
}

export interface FileRepository {
  insertFile(file: NewFile): Promise<FileRecord>;
  /** Insert unless the uploader's stored total plus this file would pass `quotaBytes`; undefined then. */
  insertFileWithinQuota(file: NewFile, quotaBytes: number): Promise<FileRecord | undefined>;
  /** The total size of the files `uploaderId` has stored. */
  usedBytes(uploaderId: string): Promise<number>;
  /** True when a message carries the file, or it is a user's avatar. */
  isAttached(fileId: string): Promise<boolean>;
  /** Delete the file if no message carries it; the deleted record, or undefined (attached, or already gone). */
  deleteUnattachedFile(fileId: string): Promise<FileRecord | undefined>;
  /** Up to `limit` files created before `before` that no message carries, oldest first. */
  unattachedFilesBefore(before: number, limit: number): Promise<FileRecord[]>;
  findFile(id: string): Promise<FileRecord | undefined>;
  /** True when the user uploaded the file, belongs to a conversation where it was shared, or it is someone's avatar. */
  canReadFile(fileId: string, userId: string): Promise<boolean>;
}

function toFile(row: Selectable<FilesTable>): FileRecord {
  return {
    id: row.id,
    uploaderId: row.uploader_id,
    name: row.name,
    mimeType: row.mime_type,
    size: Number(row.size),
    kind: row.kind,
    width: row.width,
    height: row.height,
    storageKey: row.storage_key,
    createdAt: Number(row.created_at),
  };
}

/** FileRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyFileRepository implements FileRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertFile(file: NewFile): Promise<FileRecord> {
    const row = this.rowOf(file);
    await this.db.insertInto('files').values(row).execute();
    return toFile(row);
  }

  async insertFileWithinQuota(file: NewFile, quotaBytes: number): Promise<FileRecord | undefined> {
    // SQLite transactions take the write lock at BEGIN (IMMEDIATE), so they are serial already; on
    // PostgreSQL the uploader's row lock serialises this user's quota checks across every node.
    return this.db.transaction().execute(async (tx) => {
      if (this.db.getExecutor().adapter instanceof PostgresAdapter) {
        await tx.selectFrom('users').select('id').where('id', '=', file.uploaderId).forUpdate().execute();
      }
      if ((await this.sumOf(tx, file.uploaderId)) + file.size > quotaBytes) return undefined;
      const row = this.rowOf(file);
      await tx.insertInto('files').values(row).execute();
      return toFile(row);
    });
  }

  async usedBytes(uploaderId: string): Promise<number> {
    return this.sumOf(this.db, uploaderId);
  }

  async isAttached(fileId: string): Promise<boolean> {
    const row = await this.db.selectFrom('messages').select('id').where('file_id', '=', fileId).limit(1).executeTakeFirst();
    return row !== undefined || (await this.isAvatar(fileId));
  }

  private async isAvatar(fileId: string): Promise<boolean> {
    const row = await this.db.selectFrom('users').select('id').where('avatar', '=', fileId).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async deleteUnattachedFile(fileId: string): Promise<FileRecord | undefined> {
    const row = await this.db
      .deleteFrom('files')
      .where('id', '=', fileId)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('messages').select('messages.id').whereRef('messages.file_id', '=', 'files.id'))),
      )
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('users').select('users.id').whereRef('users.avatar', '=', 'files.id'))))
      .returningAll()
      .executeTakeFirst();
    return row && toFile(row);
  }

  async unattachedFilesBefore(before: number, limit: number): Promise<FileRecord[]> {
    const rows = await this.db
      .selectFrom('files')
      .selectAll()
      .where('created_at', '<', before)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('messages').select('messages.id').whereRef('messages.file_id', '=', 'files.id'))),
      )
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('users').select('users.id').whereRef('users.avatar', '=', 'files.id'))))
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map(toFile);
  }

  private async sumOf(db: Kysely<Database> | Transaction<Database>, uploaderId: string): Promise<number> {
    const row = await db
      .selectFrom('files')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('size'), eb.lit(0)).as('total'))
      .where('uploader_id', '=', uploaderId)
      .executeTakeFirstOrThrow();
    return Number(row.total);
  }

  private rowOf(file: NewFile) {
    return {
      id: randomUUID(),
      uploader_id: file.uploaderId,
      name: file.name,
      mime_type: file.mimeType,
      size: file.size,
      kind: file.kind,
      width: file.width,
      height: file.height,
      storage_key: file.storageKey,
      created_at: Date.now(),
    };
  }

  async findFile(id: string): Promise<FileRecord | undefined> {
    const row = await this.db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toFile(row);
  }

  async canReadFile(fileId: string, userId: string): Promise<boolean> {
    const file = await this.db.selectFrom('files').select('uploader_id').where('id', '=', fileId).executeTakeFirst();
    if (!file) return false;
    if (file.uploader_id === userId) return true;
    if (await this.isAvatar(fileId)) return true;
    const shared = await this.db
      .selectFrom('messages as m')
      .innerJoin('conversation_members as cm', (join) =>
        join.onRef('cm.conversation_id', '=', 'm.conversation_id').on('cm.user_id', '=', userId),
      )
      .select('m.id')
      .where('m.file_id', '=', fileId)
      .limit(1)
      .executeTakeFirst();
    return shared !== undefined;
  }
}
