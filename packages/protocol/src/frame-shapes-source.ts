/**
 * The zod schemas the generated shapes come from, and the generated file's text. Used by
 * `frame-shapes.test.ts` (which fails when `frame-shapes.generated.ts` is stale) and nothing that
 * ships: it imports zod.
 */
import { ClientFrameSchema, RequestResultSchemas, SendMessageFrameSchema } from './client-frames.js';
import { AnyFrameSchema } from './envelope.js';
import { ServerFrameSchema } from './server-frames.js';
import { shapeSource } from './shape-from-zod.js';

export const SHAPE_ROOTS = {
  SERVER_FRAME: ServerFrameSchema,
  CLIENT_FRAME: ClientFrameSchema,
  SEND_MESSAGE_FRAME: SendMessageFrameSchema,
  REQUEST_RESULTS: RequestResultSchemas,
};

export const REGENERATE_COMMAND = 'HERALD_WRITE_SHAPES=1 npx vitest run packages/protocol/src/frame-shapes.test.ts';

/** The text `frame-shapes.generated.ts` must have. */
export function frameShapesFile(): string {
  return `/**
 * GENERATED from the protocol's zod schemas by shape-from-zod.ts: do not edit. After changing a
 * schema, run \`${REGENERATE_COMMAND}\`.
 * ENVELOPE holds the fields every frame shares; SERVER_FRAME checks what a server sends, CLIENT_FRAME what a client sends
 * (SEND_MESSAGE_FRAME is its send_message alone, what a browser client checks before queueing), REQUEST_RESULTS[action]
 * an ack's result; see shape.ts for the encoding and what shapes leave to the server.
 */
import type { Shape } from './shape.js';

${shapeSource(SHAPE_ROOTS, AnyFrameSchema.pick({ id: true, timestamp: true, sender: true }))}
`;
}
