/**
 * @herald/protocol: the wire contract shared by server and clients.
 * Schemas give both runtime validation and TypeScript types; nothing else defines a frame.
 */
export * from './client-frame-codec.js';
export * from './client-frames.js';
export * from './codec.js';
export * from './codes.js';
export * from './delivery.js';
export { type AnyFrame, AnyFrameSchema, FrameIdSchema, type FrameType, FrameTypeSchema, frameSchema } from './envelope.js';
export * from './frame-shapes.generated.js';
export { HeraldError } from './herald-error.js';
export * from './message-changes.js';
export * from './models.js';
export * from './profile.js';
export * from './push.js';
export * from './realtime.js';
export * from './rest.js';
export * from './rest-client.js';
export * from './rest-contract.js';
export * from './rest-error.js';
export * from './rest-responses.js';
export * from './rest-route.js';
export * from './safe-text.js';
export * from './search.js';
export * from './send-message-rules.js';
export * from './server-frame-decoder.js';
export * from './server-frames.js';
export * from './shape.js';
export * from './text.js';
