/**
 * UploadQuota: the per-user quota on stored uploads (HERALD_UPLOAD_QUOTA_BYTES), applied as early
 * as possible to an upload in progress.
 * An upload is refused (413 `too_big`, limit `upload_quota`) before a byte is read when its
 * Content-Length already cannot fit, and otherwise the moment its running size passes what is
 * left: the user's stored total (read when the upload starts) plus the bytes of the user's other
 * uploads still in progress on this node. The final word is the repository's
 * `insertFileWithinQuota`, atomic per user across nodes: the stored total never passes the quota;
 * uploads in progress on other nodes at the same time are only caught there, after their bytes
 * were received (each one at most its own size).
 */
import type { HeraldError } from '@herald/protocol';
import { overLimit } from '../limits/limit-exceeded.js';
import type { Metrics } from '../metrics.js';
import type { FileRepository } from './file-repository.js';

export const UPLOAD_QUOTA_LIMIT = 'upload_quota';

/** One upload's claim on its user's quota, from `UploadQuota.begin` until `release`. */
export interface QuotaClaim {
  /** Record the upload's running size; throws `too_big` once it no longer fits. */
  grow(size: number): void;
  /** The upload finished or failed: its bytes stop counting as in progress. */
  release(): void;
}

export class UploadQuota {
  /** Bytes received so far by each user's uploads in progress on this node. */
  private readonly inProgress = new Map<string, number>();

  constructor(
    private readonly files: FileRepository,
    readonly quotaBytes: number,
    private readonly metrics?: Pick<Metrics, 'limitRejections'>,
  ) {}

  /** The refusal every quota check answers with. */
  exceeded(): HeraldError {
    return overLimit(
      UPLOAD_QUOTA_LIMIT,
      `this upload would take your stored files past your quota of ${this.quotaBytes} bytes; delete some first`,
      this.metrics,
    );
  }

  /** Start an upload of at most `declaredBytes` (undefined: unknown); throws `too_big` when it cannot fit. */
  async begin(userId: string, declaredBytes?: number): Promise<QuotaClaim> {
    const stored = await this.files.usedBytes(userId);
    const others = () => this.inProgress.get(userId) ?? 0;
    if (stored + others() + Math.max(0, declaredBytes ?? 0) > this.quotaBytes) throw this.exceeded();
    let counted = 0;
    let released = false;
    const add = (delta: number) => {
      const total = (this.inProgress.get(userId) ?? 0) + delta;
      if (total === 0) this.inProgress.delete(userId);
      else this.inProgress.set(userId, total);
    };
    return {
      grow: (size) => {
        if (released) return;
        add(size - counted);
        counted = size;
        if (stored + others() > this.quotaBytes) throw this.exceeded();
      },
      release: () => {
        if (released) return;
        released = true;
        add(-counted);
      },
    };
  }
}
