/**
 * FileLinks: short-lived signed download URLs, for places that cannot send an Authorization
 * header (`<img src>`, `<audio src>`). A link names the file, the user it was made for and its
 * expiry, signed with HMAC-SHA256 under a key derived from the server secret.
 * Invariants: no long-lived credential ever goes in a URL; a link works only for its file, until
 * its expiry, and only while its user may still read the file (the caller re-checks access).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ErrorCode, HeraldError } from '@herald/protocol';

/** The query parameters of a signed link. */
export interface LinkParams {
  uid: string;
  exp: string;
  sig: string;
}

export class FileLinks {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    // A key of its own, so a link signature can never double as any other signature.
    this.key = createHmac('sha256', secret).update('herald file links v1').digest();
  }

  /** A relative URL granting `userId` a download of `fileId` until `expiresAt` (ms epoch). */
  sign(fileId: string, userId: string): { url: string; expiresAt: number } {
    const expiresAt = this.now() + this.ttlSeconds * 1000;
    const query = new URLSearchParams({ uid: userId, exp: String(expiresAt), sig: this.signature(fileId, userId, String(expiresAt)) });
    return { url: `/api/v1/files/${encodeURIComponent(fileId)}?${query}`, expiresAt };
  }

  /** The user a valid link was made for; throws `unauthorized` (forged) or `token_expired`. */
  verify(fileId: string, params: LinkParams): string {
    const expected = Buffer.from(this.signature(fileId, params.uid, params.exp));
    const given = Buffer.from(params.sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HeraldError(ErrorCode.Unauthorized, 'invalid download link');
    }
    if (!/^\d+$/.test(params.exp) || Number(params.exp) <= this.now()) {
      throw new HeraldError(ErrorCode.TokenExpired, 'download link expired; ask for a new one');
    }
    return params.uid;
  }

  private signature(fileId: string, userId: string, exp: string): string {
    return createHmac('sha256', this.key).update(`${fileId}\n${userId}\n${exp}`).digest('base64url');
  }
}
