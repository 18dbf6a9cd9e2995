// @vitest-environment happy-dom
// @vitest-environment-options {"settings":{"fetch":{"disableSameOriginPolicy":true}}}
/**
 * <HeraldErrorBoundary/>: a render error shows the recoverable panel (or the app's fallback),
 * "Try again" renders the children again, and the error is reported to a real server's
 * `POST /api/v1/errors` (read back through the admin list), with the user when a token is given.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HeraldErrorBoundary } from '../src/index.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
let adminToken: string;

beforeAll(async () => {
  h = await startHarness();
  adminToken = (await h.api.register('Admin')).accessToken; // first account: admin
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});
afterAll(async () => {
  await h.close();
});

interface Report {
  message: string;
  stack?: string;
  componentStack?: string;
  url?: string;
  userAgent?: string;
  userId: string | null;
}

async function reports(): Promise<Report[]> {
  const response = await h.api.request<{ reports: Report[] }>('GET', '/api/v1/admin/errors?limit=500', { token: adminToken });
  return response.body.reports;
}

let explode = true;
function Bomb({ message }: { message: string }) {
  if (explode) throw new Error(message);
  return <p>all good</p>;
}

describe('HeraldErrorBoundary', () => {
  it('shows the panel, reports with the user, and "Try again" recovers', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined); // React logs caught errors
    const alice = await h.api.register('Alice');
    explode = true;
    render(
      <HeraldErrorBoundary reportUrl={`${h.server.url}/api/v1/errors`} getToken={() => alice.accessToken}>
        <Bomb message="boom in render" />
      </HeraldErrorBoundary>,
    );
    expect(screen.getByRole('alert').textContent).toContain('Something went wrong.');
    await waitFor(async () => expect((await reports()).map((r) => r.message)).toContain('boom in render'), { timeout: 10_000 });
    const report = (await reports()).find((r) => r.message === 'boom in render');
    expect(report).toMatchObject({ userId: alice.user.id, url: expect.any(String), userAgent: expect.any(String) });
    expect(report?.stack).toContain('boom in render');
    expect(report?.componentStack).toContain('Bomb');

    explode = false;
    act(() => fireEvent.click(screen.getByRole('button', { name: 'Try again' })));
    expect(screen.getByText('all good')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('renders a custom fallback and reports anonymously without a token', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    explode = true;
    render(
      <HeraldErrorBoundary
        reportUrl={`${h.server.url}/api/v1/errors`}
        fallback={({ error, reset }) => (
          <button type="button" onClick={reset}>
            {`Oops: ${error.message}`}
          </button>
        )}
      >
        <Bomb message="anonymous boom" />
      </HeraldErrorBoundary>,
    );
    expect(screen.getByRole('button').textContent).toBe('Oops: anonymous boom');
    await waitFor(async () => expect((await reports()).map((r) => r.message)).toContain('anonymous boom'), { timeout: 10_000 });
    expect((await reports()).find((r) => r.message === 'anonymous boom')?.userId).toBeNull();
    explode = false;
    act(() => fireEvent.click(screen.getByRole('button')));
    expect(screen.getByText('all good')).toBeTruthy();
  });
});
