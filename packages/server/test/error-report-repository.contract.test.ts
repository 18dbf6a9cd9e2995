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

  it('deletes the oldest reports before a time and beyond a row cap, at most a batch at a time', async () => {
    const made = [];
    for (let i = 0; i < 6; i++) made.push(await store.errorReports.insertErrorReport({ message: `r${i}`, userId: null }));
    const total = async () => (await store.errorReports.listErrorReports(500)).length;
    const before = await total();
    const third = made[2]?.createdAt ?? 0;
    // Reports of the first test are older still: everything before r2 goes, two per call.
    expect(await store.errorReports.deleteErrorReportsBefore(third, 2)).toBe(2);
    let deleted = 2;
    for (
      let n = await store.errorReports.deleteErrorReportsBefore(third, 2);
      n > 0;
      n = await store.errorReports.deleteErrorReportsBefore(third, 2)
    ) {
      deleted += n;
    }
    expect(await total()).toBe(before - deleted);
    expect((await store.errorReports.listErrorReports(500)).at(-1)?.message).toBe('r2');

    expect(await store.errorReports.deleteErrorReportsBeyond(2, 1)).toBe(1);
    expect(await store.errorReports.deleteErrorReportsBeyond(2, 100)).toBe(1);
    expect(await store.errorReports.deleteErrorReportsBeyond(2, 100)).toBe(0);
    expect((await store.errorReports.listErrorReports(500)).map((r) => r.message)).toEqual(['r5', 'r4']);
  });
});
