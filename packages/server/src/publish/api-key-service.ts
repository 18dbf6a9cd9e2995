/**
 * ApiKeyService: server API keys for the publish API. A key is `hk_` + 32 random bytes in
 * base64url; only its SHA-256 is stored, with a short prefix so admins can tell keys apart. A key
 * carries its creator's authority, narrowed by its scopes and limits.
 * Invariants: the plaintext exists only in the create response; an unknown, revoked or expired key
 * authenticates nothing and gets the same `unauthorized` (a caller learns nothing about which keys
 * exist; the log gets the prefix); a key whose creator is not an admin *now* (demoted, disabled,
 * deleted — read through the Authority, not remembered) or that has no scopes (made before scopes
 * existed) authenticates nothing either; a publish outside the key's scopes is `forbidden`. Every
 * creation, revocation, use and refusal of a stored key is in the audit log.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type CreateApiKeyBody, ErrorCode, HeraldError, type PublishBody } from '@herald/protocol';
import type { FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import type { Authority } from '../auth/authority.js';
import type { ApiKeyRecord, ApiKeyRepository } from './api-key-repository.js';
import { scopeRefusal } from './api-key-scope.js';

const KEY_PREFIX = 'hk_';
/** `hk_` and the first 8 random characters: enough to recognise a key, useless to guess one. */
const SHOWN_PREFIX_LENGTH = KEY_PREFIX.length + 8;
/** The one answer to every key that does not authenticate for a reason the caller need not learn. */
const INVALID = 'invalid, revoked or expired API key';

export class ApiKeyService {
  constructor(
    private readonly repository: ApiKeyRepository,
    private readonly authority: Pick<Authority, 'roleOf'>,
    private readonly audit: AuditLog,
  ) {}

  /** Create a key for admin `createdBy`; the returned `key` is the only copy of the plaintext. */
  async create(createdBy: string, body: CreateApiKeyBody): Promise<{ key: string; apiKey: ApiKeyRecord }> {
    if (body.expiresAt !== undefined && body.expiresAt <= Date.now()) {
      throw new HeraldError(ErrorCode.BadRequest, 'expiresAt must be in the future (ms since the epoch)');
    }
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const apiKey = await this.repository.insertApiKey({
      name: body.name,
      keyHash: hashOf(key),
      prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
      createdBy,
      scopes: body.scopes,
      conversationIds: body.conversationIds ?? null,
      senderIds: body.senderIds ?? null,
      expiresAt: body.expiresAt ?? null,
    });
    await this.audit.record({
      actor: { kind: 'user', id: createdBy },
      action: 'api_key.created',
      targetId: apiKey.id,
      details: {
        name: apiKey.name,
        prefix: apiKey.prefix,
        scopes: apiKey.scopes,
        conversationIds: apiKey.conversationIds,
        senderIds: apiKey.senderIds,
        expiresAt: apiKey.expiresAt,
      },
    });
    return { key, apiKey };
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.repository.listApiKeys();
  }

  /** Revoke a key as admin `by`; `not_found` if there is no such live key. */
  async revoke(by: string, id: string): Promise<void> {
    if (!(await this.repository.revokeApiKey(id))) throw new HeraldError(ErrorCode.NotFound, 'no such active API key');
    await this.audit.record({ actor: { kind: 'user', id: by }, action: 'api_key.revoked', targetId: id });
  }

  /**
   * The key a request carries (`Authorization: Bearer hk_...` or `X-Herald-Key: hk_...`), if it is
   * live and its creator is an admin now; otherwise `unauthorized`.
   */
  async authenticate(request: FastifyRequest): Promise<ApiKeyRecord> {
    const key = keyOf(request);
    if (!key) throw new HeraldError(ErrorCode.Unauthorized, 'missing server API key (Authorization: Bearer hk_... or X-Herald-Key)');
    const prefix = key.slice(0, SHOWN_PREFIX_LENGTH);
    const record = await this.repository.findApiKeyByHash(hashOf(key));
    if (!record) {
      request.log.warn({ prefix }, 'refused: unknown API key');
      throw new HeraldError(ErrorCode.Unauthorized, INVALID);
    }
    const now = Date.now();
    const dead = record.revokedAt !== null ? 'revoked' : record.expiresAt !== null && record.expiresAt <= now ? 'expired' : undefined;
    if (dead) {
      request.log.warn({ prefix, apiKey: record.id }, `refused: ${dead} API key`);
      await this.refused(record, { reason: dead });
      throw new HeraldError(ErrorCode.Unauthorized, INVALID);
    }
    if (record.createdBy === null || record.scopes.length === 0) {
      request.log.warn({ prefix, apiKey: record.id }, 'refused: API key without scopes or creator (made before scoped keys)');
      await this.refused(record, { reason: 'unscoped' });
      throw new HeraldError(
        ErrorCode.Unauthorized,
        'this API key was made before scoped keys and is no longer accepted; an admin must create a scoped key to replace it',
      );
    }
    if ((await this.authority.roleOf(record.createdBy)) !== 'admin') {
      request.log.warn({ prefix, apiKey: record.id, createdBy: record.createdBy }, 'refused: API key creator is no longer an active admin');
      await this.refused(record, { reason: 'creator_not_admin', createdBy: record.createdBy });
      throw new HeraldError(
        ErrorCode.Unauthorized,
        'the admin who created this API key is no longer an active admin; an admin must create a new key',
      );
    }
    return record;
  }

  /** Check `body` against the key's scopes (`forbidden`, audited, when outside them), then record the use. */
  async authorize(key: ApiKeyRecord, body: PublishBody): Promise<void> {
    const reach = reachOf(body);
    const refusal = scopeRefusal(key, body);
    if (refusal) {
      await this.refused(key, { reason: 'scope', missing: refusal, ...reach.details }, reach.targetId);
      throw new HeraldError(ErrorCode.Forbidden, refusal);
    }
    // Not awaited: the entry's time (and so its order) is fixed when it is recorded, and the publish
    // need not wait for a second write.
    void this.audit.record({
      actor: { kind: 'api_key', id: key.id },
      action: 'api_key.used',
      targetId: reach.targetId,
      details: reach.details,
    });
    await this.repository.recordApiKeyUse(key.id, Date.now());
  }

  private refused(key: ApiKeyRecord, details: Record<string, unknown>, targetId: string | null = key.id): Promise<void> {
    return this.audit.record({ actor: { kind: 'api_key', id: key.id }, action: 'api_key.refused', targetId, details });
  }
}

/** What a publish reaches, for the audit log: its kind and conversation, sender, audience or target. */
function reachOf(body: PublishBody): { targetId: string | null; details: Record<string, unknown> } {
  switch (body.kind) {
    case 'message':
      return { targetId: body.conversationId, details: { kind: body.kind, conversationId: body.conversationId, senderId: body.senderId } };
    case 'notification': {
      const { audience } = body;
      const targetId = audience.kind === 'conversation' ? audience.conversationId : audience.kind === 'user' ? audience.userId : null;
      return { targetId, details: { kind: body.kind, audience } };
    }
    case 'event':
      return body.conversationId !== undefined
        ? { targetId: body.conversationId, details: { kind: body.kind, event: body.event, conversationId: body.conversationId } }
        : { targetId: body.target?.userId ?? null, details: { kind: body.kind, event: body.event, target: body.target } };
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
