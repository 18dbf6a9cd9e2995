/**
 * Decoding what clients send (the server's side): the codec's decoding with the zod schemas, whose
 * refinements (safe text, emoji, history bounds, message rules) a server must enforce. Kept apart
 * from codec.ts so a client bundle that only decodes server frames never pulls in zod.
 */
import type { z } from 'zod';
import { type ClientFrame, ClientFrameSchema } from './client-frames.js';
import { type DecodeResult, decodeWith, type RawPayload } from './codec.js';

/** Summarise zod issues as `path: message` lines for an error's details. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 10).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

function actionOf(schema: z.ZodType): string {
  // Each union member is an object (possibly refined) whose `action` is a literal.
  const shape = (schema as unknown as { shape: { action: { value: string } } }).shape;
  return shape.action.value;
}

const clientActions: ReadonlySet<string> = new Set(ClientFrameSchema.options.map((o) => actionOf(o)));

function checkClientFrame(value: unknown) {
  const parsed = ClientFrameSchema.safeParse(value);
  return parsed.success ? { ok: true as const, value: parsed.data } : { ok: false as const, issues: describeIssues(parsed.error) };
}

/** Decode and validate a frame sent by a client (server side). */
export function decodeClientFrame(raw: RawPayload): DecodeResult<ClientFrame> {
  return decodeWith(checkClientFrame, clientActions, raw);
}
