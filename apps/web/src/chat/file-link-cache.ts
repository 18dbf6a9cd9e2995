/**
 * FileLinkCache: short-lived signed download URLs (`POST /files/:id/link`) for <img>/<audio>, which
 * cannot send an Authorization header. One request per file at a time; a link is reused until
 * shortly before it expires.
 */
import type { FileLink, RestClient } from '@herald/protocol';

/** Ask for a new link when less than this is left. */
const MARGIN_MS = 30_000;

export class FileLinkCache {
  private readonly links = new Map<string, FileLink>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly api: RestClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** A URL that is valid for a while yet (cached when possible). */
  get(fileId: string): Promise<string> {
    const cached = this.links.get(fileId);
    if (cached && cached.expiresAt - this.now() > MARGIN_MS) return Promise.resolve(cached.url);
    let pending = this.inFlight.get(fileId);
    if (!pending) {
      pending = this.api.files
        .link({ params: { id: fileId } })
        .then((link) => {
          this.links.set(fileId, link);
          return link.url;
        })
        .finally(() => this.inFlight.delete(fileId));
      this.inFlight.set(fileId, pending);
    }
    return pending;
  }

  /** The cached URL if still fresh (no request), for a synchronous first render. */
  peek(fileId: string): string | null {
    const cached = this.links.get(fileId);
    return cached && cached.expiresAt - this.now() > MARGIN_MS ? cached.url : null;
  }
}
