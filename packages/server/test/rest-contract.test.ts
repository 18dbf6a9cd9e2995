/**
 * The server serves every route of the REST contract (the web app's catch-all aside: it exists
 * only when the app is built, and web-app.test.ts covers it), so a route added to the table
 * cannot be forgotten on the server.
 */
import { type RouteDefinition, restContract } from '@herald/protocol';
import { startTestServer, type TestServer } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const routes = Object.entries(restContract)
  .flatMap(([group, members]) =>
    Object.entries(members as Record<string, RouteDefinition>).map(([name, route]) => ({ name: `${group}.${name}`, route })),
  )
  .filter(({ route }) => route.responseType !== 'html');

describe('REST contract on the server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.destroy());

  it.each(routes)('serves $name', ({ route }) => {
    expect(server.server.app.hasRoute({ method: route.method, url: route.path })).toBe(true);
  });
});
