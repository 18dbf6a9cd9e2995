/**
 * describeFiles: the files suites' shared set-up: a real server on SQLite and on PostgreSQL (with a
 * small image limit), and helpers that upload, download and share files over real HTTP.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthResponse, FileInfo, Message } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer, type TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect } from 'vitest';

const hasPostgres = await postgresAvailable();

interface Upload {
  status: number;
  body: { file: FileInfo; error?: undefined } | { file?: undefined; error: { code: string; message: string } };
}

interface Download {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

/** Every file under `dir`, recursively, as paths relative to it. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length));
}

export interface FilesHarness {
  server: TestServer;
  readonly api: ApiClient;
  readonly sockets: TestSocket[];
  readonly IMAGE_LIMIT: number;
  upload(token: string | undefined, bytes: Uint8Array, name: string, claimedType: string): Promise<Upload>;
  uploaded(token: string, bytes: Uint8Array, name: string, claimedType: string): Promise<FileInfo>;
  download(path: string, token?: string, headers?: Record<string, string>): Promise<Download>;
  errorCode(download: Download): string;
  share(from: AuthResponse, to: AuthResponse, file: FileInfo, type: 'image' | 'file' | 'audio'): Promise<Message>;
}

/** Runs `body` once per database, each with its own server (`env` added to its environment). */
export function describeFiles(title: string, body: (h: FilesHarness) => void, env: Record<string, string> = {}): void {
  for (const database of ['sqlite', 'postgres'] as const) {
    describe.skipIf(database === 'postgres' && !hasPostgres)(`${title} on ${database}`, () => {
      let server: TestServer;
      let api: ApiClient;
      const sockets: TestSocket[] = [];
      const IMAGE_LIMIT = 8 * 1024;

      async function upload(token: string | undefined, bytes: Uint8Array, name: string, claimedType: string): Promise<Upload> {
        const form = new FormData();
        form.append('file', new Blob([bytes], { type: claimedType }), name);
        const response = await fetch(`${server.url}/api/v1/files/upload`, {
          method: 'POST',
          headers: token ? { authorization: `Bearer ${token}` } : {},
          body: form,
        });
        return { status: response.status, body: (await response.json()) as Upload['body'] };
      }

      async function uploaded(token: string, bytes: Uint8Array, name: string, claimedType: string): Promise<FileInfo> {
        const result = await upload(token, bytes, name, claimedType);
        if (!result.body.file) throw new Error(`upload failed: ${result.status} ${JSON.stringify(result.body)}`);
        expect(result.status).toBe(201);
        return result.body.file;
      }

      async function download(path: string, token?: string, headers: Record<string, string> = {}): Promise<Download> {
        const response = await fetch(`${server.url}${path}`, {
          headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        });
        return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
      }

      const errorCode = (download: Download) => (JSON.parse(download.bytes.toString('utf8')) as { error: { code: string } }).error.code;

      async function share(from: AuthResponse, to: AuthResponse, file: FileInfo, type: 'image' | 'file' | 'audio'): Promise<Message> {
        const conversationId = await api.conversation(from.accessToken, { kind: 'direct', userId: to.user.id });
        const sent = await api.request<{ message: Message }>('POST', `/api/v1/conversations/${conversationId}/messages`, {
          token: from.accessToken,
          body: { type, attachment: { fileId: file.id } },
        });
        expect(sent.status).toBe(201);
        return sent.body.message;
      }

      beforeAll(async () => {
        server = await startTestServer({ database, env: { HERALD_UPLOAD_MAX_IMAGE_BYTES: String(IMAGE_LIMIT), ...env } });
        api = new ApiClient(server.url);
      });

      afterAll(async () => {
        for (const s of sockets) s.ws.terminate();
        await server.destroy();
      });

      body({
        get server() {
          return server;
        },
        set server(next: TestServer) {
          server = next;
        },
        get api() {
          return api;
        },
        sockets,
        IMAGE_LIMIT,
        upload,
        uploaded,
        download,
        errorCode,
        share,
      });
    });
  }
}
