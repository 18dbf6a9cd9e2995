/**
 * ApiKeyService: server API keys for the publish API. A key is `hk_` + 32 random bytes in
 * base64url; only its SHA-256 is stored, with a short prefix so admins can tell keys apart.
 * Invariants: the plaintext exists only in the create response; a revoked or unknown key
 * authenticates nothing; every failure is the same `unauthorized`, so a caller learns nothing
 * about which keys exist.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ErrorCode, HeraldError } from '@herald/protocol';
import type { FastifyRequest } from 'fastify';
import type { ApiKeyRecord, ApiKeyRepository } from './api-key-repository.js';

const KEY_PREFIX = 'hk_';
/** `hk_` and the first 8 random characters: enough to recognise a key, useless to guess one. */
const SHOWN_PREFIX_LENGTH = KEY_PREFIX.length + 8;

export class ApiKeyService {
  constructor(private readonly repository: ApiKeyRepository) {}

  /** Create a key; the returned `key` is the only copy of the plaintext. */
  async create(name: string, createdBy: string): Promise<{ key: string; apiKey: ApiKeyRecord }> {
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const apiKey = await this.repository.insertApiKey({ name, keyHash: hashOf(key), prefix: key.slice(0, SHOWN_PREFIX_LENGTH), createdBy });
    return { key, apiKey };
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.repository.listApiKeys();
  }

  /** Revoke a key; `not_found` if there is no such live key. */
  async revoke(id: string): Promise<void> {
    if (!(await this.repository.revokeApiKey(id))) throw new HeraldError(ErrorCode.NotFound, 'no such active API key');
  }

  /** The key a request carries (`Authorization: Bearer hk_...` or `X-Herald-Key: hk_...`), or `unauthorized`. */
  async authenticate(request: FastifyRequest): Promise<ApiKeyRecord> {
    const key = keyOf(request);
    if (!key) throw new HeraldError(ErrorCode.Unauthorized, 'missing server API key (Authorization: Bearer hk_... or X-Herald-Key)');
    const record = await this.repository.useApiKey(hashOf(key));
    if (!record) {
      request.log.warn({ prefix: key.slice(0, SHOWN_PREFIX_LENGTH) }, 'refused: unknown or revoked API key');
      throw new HeraldError(ErrorCode.Unauthorized, 'invalid or revoked API key');
    }
    return record;
  }
}

function keyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-herald-key'];
  if (typeof header === 'string' && header.startsWith(KEY_PREFIX)) return header.trim();
  const bearer = request.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer?.startsWith(KEY_PREFIX)) return bearer;
  return undefined;
}

function hashOf(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
