/**
 * What an uploaded file is, decided from its bytes: file-type's magic-byte result (or "valid UTF-8
 * text" when it finds nothing) becomes one canonical MIME type and a kind (image, audio, video,
 * document), and is checked against the allowed list.
 * Invariant: the client's claimed type never decides anything; its file name only picks between
 * formats that share one verified container (doc/xls/ppt inside CFB, csv vs plain text), all of
 * which are served as attachments.
 */
import type { FileInfo } from '@herald/protocol';

export type FileKind = FileInfo['kind'];

/** A content-detected type: canonical MIME type and kind. */
export interface DetectedType {
  mimeType: string;
  kind: FileKind;
}

/** What file-type reports (`{ext, mime}`), or undefined when it knows no signature. */
export interface MagicResult {
  ext: string;
  mime: string;
}

/** The default allow-list (HERALD_UPLOAD_ALLOWED_TYPES overrides it). */
export const DEFAULT_ALLOWED_TYPES: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'audio/mp4',
  'audio/aac',
  'audio/webm',
  'video/mp4',
  'video/webm',
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'text/plain',
  'text/csv',
];

/** file-type's names for formats we store under another canonical name. */
const CANONICAL: Record<string, string> = {
  'audio/ogg; codecs=opus': 'audio/ogg',
  'audio/x-m4a': 'audio/mp4',
  'audio/x-wav': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
};

/** Legacy Office formats: all CFB containers, told apart by the name's extension only. */
const CFB_BY_EXTENSION: Record<string, string> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
};

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

function kindOf(mimeType: string): FileKind {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('audio/')) return 'audio';
  if (mimeType.startsWith('video/')) return 'video';
  return 'document';
}

/**
 * The canonical type of a file from its magic bytes, or from "it is valid text" when there are
 * none. `audioOnly` says a WebM container holds no video track. Undefined: not a known format.
 */
export function classify(magic: MagicResult | undefined, isText: boolean, fileName: string, audioOnly = false): DetectedType | undefined {
  if (!magic) {
    if (!isText) return undefined;
    return { mimeType: extensionOf(fileName) === 'csv' ? 'text/csv' : 'text/plain', kind: 'document' };
  }
  let mimeType = CANONICAL[magic.mime] ?? magic.mime;
  if (mimeType === 'application/x-cfb') mimeType = CFB_BY_EXTENSION[extensionOf(fileName)] ?? mimeType;
  if (mimeType === 'video/webm' && audioOnly) mimeType = 'audio/webm';
  return { mimeType, kind: kindOf(mimeType) };
}

/** True when a magic result may still change once more of the file is seen (containers). */
export function isProvisional(magic: MagicResult | undefined): boolean {
  return magic === undefined || magic.mime === 'application/zip' || magic.mime === 'video/webm';
}

/** Whether `mimeType` matches one of the patterns (`type/subtype` or `type/*`). */
export function isAllowed(mimeType: string, allowed: readonly string[]): boolean {
  return allowed.some((pattern) => pattern === mimeType || (pattern.endsWith('/*') && mimeType.startsWith(pattern.slice(0, -1))));
}

/** Kinds a browser may show in place (served `inline`); everything else is served as an attachment. */
export function isInlineKind(kind: FileKind): boolean {
  return kind === 'image' || kind === 'audio' || kind === 'video';
}

/**
 * Incremental "is this plain UTF-8 text?" check: valid UTF-8 with no NUL or other control
 * characters besides tab, newline, carriage return, form feed and escape.
 */
export class TextSniffer {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private ok = true;

  push(chunk: Uint8Array): void {
    if (!this.ok) return;
    try {
      this.check(this.decoder.decode(chunk, { stream: true }));
    } catch {
      this.ok = false;
    }
  }

  /** Finish (flushing a partial trailing sequence) and return the verdict. */
  end(): boolean {
    if (!this.ok) return false;
    try {
      this.check(this.decoder.decode());
    } catch {
      this.ok = false;
    }
    return this.ok;
  }

  private check(text: string): void {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this looks for
    if (/[\u0000-\u0008\u000B\u000E-\u001A\u001C-\u001F\u007F]/.test(text)) this.ok = false;
  }
}
