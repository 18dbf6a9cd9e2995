/**
 * ErrorReportRepository contract: reports come back as sent, newest first in arrival order even
 * within one millisecond, anonymous or with their user. Real SQLite and PostgreSQL.
 */
import { beforeAll, expect, it } from 'vitest';
import { repositorySuite } from './repository-suite.js';

repositorySuite('error report repository contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });

  it('returns reports as sent, newest first in arrival order', async () => {
    const user = await newUser();
    const full = await store.errorReports.insertErrorReport({
      message: 'boom',
      stack: 'Error: boom\n  at x',
      componentStack: '<App>',
      url: 'http://localhost/chat',
      userAgent: 'test',
      userId: user.id,
    });
    expect(full).toMatchObject({ message: 'boom', userId: user.id, stack: 'Error: boom\n  at x' });
    const burst = [];
    for (let i = 0; i < 5; i++) burst.push(await store.errorReports.insertErrorReport({ message: `m${i}`, userId: null }));
    const listed = await store.errorReports.listErrorReports(6);
    expect(listed.map((r) => r.message)).toEqual(['m4', 'm3', 'm2', 'm1', 'm0', 'boom']);
    expect(listed[5]).toEqual(full);
    expect(listed[0]).toEqual({ id: burst[4]?.id, userId: null, message: 'm4', createdAt: burst[4]?.createdAt });
    expect(new Set(listed.map((r) => r.createdAt)).size).toBe(6);
    expect(await store.errorReports.listErrorReports(2)).toHaveLength(2);
  });
});
