/** A real PNG made in memory for upload tests (shared with the server's file tests). */
export { makePng } from '@herald/testkit';
