/**
 * FileRepository: what is known of each uploaded file (the bytes live in FileStorage), and who may
 * read it.
 * Invariant: a file is readable by its uploader and by the members of any conversation where a
 * message carries it, and by nobody else.
 */
import { randomUUID } from 'node:crypto';
import type { FileInfo } from '@herald/protocol';
import type { Kysely, Selectable } from 'kysely';
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
  findFile(id: string): Promise<FileRecord | undefined>;
  /** True when the user uploaded the file or belongs to a conversation where it was shared. */
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
    const row = {
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
    await this.db.insertInto('files').values(row).execute();
    return toFile(row);
  }

  async findFile(id: string): Promise<FileRecord | undefined> {
    const row = await this.db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toFile(row);
  }

  async canReadFile(fileId: string, userId: string): Promise<boolean> {
    const file = await this.db.selectFrom('files').select('uploader_id').where('id', '=', fileId).executeTakeFirst();
    if (!file) return false;
    if (file.uploader_id === userId) return true;
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
