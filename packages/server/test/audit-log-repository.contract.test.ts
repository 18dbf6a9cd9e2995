/**
 * AuditLogRepository contract: entries come back as recorded (actor, action, target, details),
 * newest first in recording order even within one millisecond, paged by `before`. And AuditLog
 * never throws into its caller. Real SQLite and PostgreSQL.
 */
import { beforeAll, expect, it } from 'vitest';
import { AuditLog } from '../src/audit/audit-log.js';
import { repositorySuite } from './repository-suite.js';

repositorySuite('audit log repository contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });

  it('returns entries as recorded, newest first, paged by before', async () => {
    const admin = await newUser();
    const first = await store.audit.insertAuditEntry({
      actor: { kind: 'user', id: admin.id },
      action: 'api_key.created',
      targetId: 'key-1',
      details: { name: 'backend', scopes: ['messages'], limits: { conversationIds: null } },
    });
    expect(first).toEqual({
      id: expect.any(String),
      at: expect.any(Number),
      actor: { kind: 'user', id: admin.id },
      action: 'api_key.created',
      targetId: 'key-1',
      details: { name: 'backend', scopes: ['messages'], limits: { conversationIds: null } },
    });
    const burst = [];
    for (let i = 0; i < 5; i++) {
      burst.push(
        await store.audit.insertAuditEntry({ actor: { kind: 'system', id: null }, action: `a${i}`, targetId: null, details: null }),
      );
    }
    const listed = await store.audit.listAuditEntries({ limit: 6 });
    expect(listed.map((e) => e.action)).toEqual(['a4', 'a3', 'a2', 'a1', 'a0', 'api_key.created']);
    expect(listed[5]).toEqual(first);
    expect(listed[0]).toEqual({
      id: burst[4]?.id,
      at: burst[4]?.at,
      actor: { kind: 'system', id: null },
      action: 'a4',
      targetId: null,
      details: null,
    });
    expect(new Set(listed.map((e) => e.at)).size).toBe(6);

    const page1 = await store.audit.listAuditEntries({ limit: 2 });
    expect(page1.map((e) => e.action)).toEqual(['a4', 'a3']);
    const page2 = await store.audit.listAuditEntries({ limit: 2, before: page1[1]?.at ?? 0 });
    expect(page2.map((e) => e.action)).toEqual(['a2', 'a1']);
    const rest = await store.audit.listAuditEntries({ limit: 10, before: page2[1]?.at ?? 0 });
    expect(rest.map((e) => e.action)).toEqual(['a0', 'api_key.created']);
  });

  it('AuditLog.record writes through, and logs instead of throwing when the write fails', async () => {
    const errors: unknown[] = [];
    const audit = new AuditLog(store.audit, { error: (...args: unknown[]) => void errors.push(args) });
    await audit.record({ actor: { kind: 'api_key', id: 'key-9' }, action: 'api_key.used', details: { kind: 'event' } });
    const [latest] = await audit.list({ limit: 1 });
    expect(latest).toMatchObject({
      actor: { kind: 'api_key', id: 'key-9' },
      action: 'api_key.used',
      targetId: null,
      details: { kind: 'event' },
    });
    expect(errors).toEqual([]);

    const failing = new AuditLog(
      { insertAuditEntry: () => Promise.reject(new Error('disk full')), listAuditEntries: () => Promise.resolve([]) },
      { error: (...args: unknown[]) => void errors.push(args) },
    );
    await expect(failing.record({ actor: { kind: 'system', id: null }, action: 'x' })).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
  });
});
