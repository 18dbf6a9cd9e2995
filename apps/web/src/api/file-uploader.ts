/**
 * FileUploader: `POST /files/upload` (path from the REST contract) with upload progress, which fetch
 * cannot report, so over XMLHttpRequest. Failures are HeraldErrors like the REST client's (status 0
 * when no answer came); a refused access token (401) is refreshed once and the upload retried.
 */
import { ErrorCode, HeraldError, type RestContract, type RouteResponse, restErrorFrom } from '@herald/protocol';
import type { AuthSession } from '../auth/auth-session';

type UploadRoute = RestContract['files']['upload'];
/** The contract's method and path, as literal types (so only its values compile), without its zod schemas at run time. */
const route: Pick<UploadRoute, 'method' | 'path'> = { method: 'POST', path: '/api/v1/files/upload' };
export type UploadedFile = RouteResponse<UploadRoute>;

export interface UploadHandle<T> {
  promise: Promise<T>;
  abort(): void;
}

export class FileUploader {
  constructor(
    private readonly session: Pick<AuthSession, 'getAccessToken'>,
    private readonly baseUrl = '',
  ) {}

  /** Upload one file as multipart (`file` part), reporting progress in [0, 1]. */
  upload(file: File, onProgress: (fraction: number) => void): UploadHandle<UploadedFile> {
    let current: XMLHttpRequest | null = null;
    let aborted = false;
    const attempt = (token: string) =>
      new Promise<UploadedFile>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        current = xhr;
        xhr.open(route.method, `${this.baseUrl}${route.path}`);
        xhr.setRequestHeader('authorization', `Bearer ${token}`);
        xhr.upload.onprogress = (event) => {
          if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
        };
        xhr.onload = () => {
          const parsed = xhr.responseText ? safeJson(xhr.responseText) : undefined;
          if (xhr.status >= 200 && xhr.status < 300) {
            onProgress(1);
            resolve(parsed as UploadedFile);
          } else reject(restErrorFrom(xhr.status, parsed));
        };
        xhr.onerror = () => reject(new HeraldError(ErrorCode.Disconnected, 'upload failed: network error', undefined, { status: 0 }));
        xhr.onabort = () => reject(new HeraldError(ErrorCode.Disconnected, 'upload cancelled', undefined, { status: 0 }));
        const form = new FormData();
        form.append('file', file, file.name);
        xhr.send(form);
      });
    const promise = (async () => {
      try {
        return await attempt(await this.session.getAccessToken());
      } catch (error) {
        if (aborted || !isAuthFailure(error)) throw error;
        onProgress(0);
        return attempt(await this.session.getAccessToken({ refresh: true }));
      }
    })();
    return {
      promise,
      abort() {
        aborted = true;
        current?.abort();
      },
    };
  }
}

/** A refused or expired access token: worth one refresh and a retry. */
function isAuthFailure(error: unknown): boolean {
  return (
    error instanceof HeraldError && error.status === 401 && (error.code === ErrorCode.TokenExpired || error.code === ErrorCode.Unauthorized)
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
