/**
 * The REST contract is consistent with itself: each route once, path parameters declared, the
 * errors a route's shape implies listed, and routes that are not JSON saying so.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ErrorCode } from './codes.js';
import { restContract } from './rest-contract.js';
import { pathParamNames, type RouteDefinition } from './rest-route.js';

const routes = Object.entries(restContract).flatMap(([group, members]) =>
  Object.entries(members as Record<string, RouteDefinition>).map(([name, route]) => ({ name: `${group}.${name}`, route })),
);

describe('restContract', () => {
  it('declares each method and path once', () => {
    const keys = routes.map(({ route }) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each(routes)('$name: path parameters match its params schema', ({ route }) => {
    const shape = (route.params as z.ZodObject | undefined)?.shape ?? {};
    expect(Object.keys(shape).sort()).toEqual(pathParamNames(route.path).sort());
  });

  it.each(routes)('$name: lists the errors its credential and input imply', ({ route }) => {
    if (route.auth === 'user' || route.auth === 'admin' || route.auth === 'userOrLink')
      expect(route.errors).toEqual(expect.arrayContaining([ErrorCode.Unauthorized, ErrorCode.TokenExpired]));
    if (route.auth === 'admin') expect(route.errors).toContain(ErrorCode.Forbidden);
    if (route.auth === 'apiKey') expect(route.errors).toContain(ErrorCode.Unauthorized);
    if (route.params || route.query || route.body) expect(route.errors).toContain(ErrorCode.BadRequest);
  });

  it.each(routes)('$name: a route that is not JSON has no response schema', ({ route }) => {
    const schemas = Object.values(route.responses);
    expect(schemas.length).toBeGreaterThan(0);
    if (route.responseType) expect(schemas.every((schema) => schema === null)).toBe(true);
    if (route.requestType === 'multipart') expect(route.body).toBeUndefined();
  });
});
