/**
 * RestApi: JSON calls to /api/v1 with the session's access token. A 401 (`token_expired` or
 * `unauthorized`) is answered by one token refresh and one retry; everything else becomes an ApiError.
 * Also the multipart upload, via XMLHttpRequest because fetch cannot report upload progress.
 */
import type { AuthSession } from '../auth/auth-session';
import { ApiError, errorFromBody, networkError } from './api-error';

export interface UploadHandle<T> {
  promise: Promise<T>;
  abort(): void;
}

export class RestApi {
  constructor(
    private readonly session: AuthSession,
    private readonly baseUrl = '',
  ) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  put<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('PUT', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.call<T>('DELETE', path);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await this.once<T>(method, path, body, await this.session.getAccessToken());
    } catch (error) {
      if (!(error instanceof ApiError) || !error.isAuthFailure) throw error;
      return this.once<T>(method, path, body, await this.session.getAccessToken({ refresh: true }));
    }
  }

  private async once<T>(method: string, path: string, body: unknown, token: string): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw networkError(error);
    }
    const text = await response.text();
    const parsed: unknown = text ? safeJson(text) : undefined;
    if (!response.ok) throw errorFromBody(response.status, parsed);
    return parsed as T;
  }

  /** Upload one file as multipart (`file` part), reporting progress in [0, 1]; refreshes the token once on 401. */
  upload<T>(path: string, file: File, onProgress: (fraction: number) => void): UploadHandle<T> {
    let current: XMLHttpRequest | null = null;
    let aborted = false;
    const attempt = (token: string) =>
      new Promise<T>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        current = xhr;
        xhr.open('POST', `${this.baseUrl}${path}`);
        xhr.setRequestHeader('authorization', `Bearer ${token}`);
        xhr.upload.onprogress = (event) => {
          if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
        };
        xhr.onload = () => {
          const parsed = xhr.responseText ? safeJson(xhr.responseText) : undefined;
          if (xhr.status >= 200 && xhr.status < 300) {
            onProgress(1);
            resolve(parsed as T);
          } else reject(errorFromBody(xhr.status, parsed));
        };
        xhr.onerror = () => reject(networkError(new Error('upload failed: network error')));
        xhr.onabort = () => reject(new ApiError(0, 'aborted', 'upload cancelled'));
        const form = new FormData();
        form.append('file', file, file.name);
        xhr.send(form);
      });
    const promise = (async () => {
      try {
        return await attempt(await this.session.getAccessToken());
      } catch (error) {
        if (aborted || !(error instanceof ApiError) || !error.isAuthFailure) throw error;
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

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
