/**
 * IndexedDbOutboxStore: the browser OutboxStore, so messages queued offline survive a reload.
 * One object store keyed by the message id. Each call is its own transaction; IndexedDB runs
 * transactions on the same store in the order they were created, so a `load()` issued after a
 * `put()` sees it. Invariant: the database is opened once, lazily, and closed by `close()`.
 * The IndexedDB types below are the minimal structural subset used (the package has no DOM lib).
 * `defaultOutboxStore` picks a client's store when the app passes none.
 */
import { hostIndexedDb } from './environment.js';
import { FallbackOutboxStore, MemoryOutboxStore, type OutboxRecord, type OutboxStore } from './outbox-store.js';

interface IdbRequest<T> {
  readonly result: T;
  readonly error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: (() => void) | null;
}
interface IdbObjectStore {
  put(value: OutboxRecord): IdbRequest<unknown>;
  delete(key: string): IdbRequest<unknown>;
  getAll(): IdbRequest<OutboxRecord[]>;
}
interface IdbTransaction {
  objectStore(name: string): IdbObjectStore;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  readonly error: unknown;
}
interface IdbDatabase {
  readonly objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string, options: { keyPath: string }): unknown;
  transaction(store: string, mode: 'readonly' | 'readwrite'): IdbTransaction;
  close(): void;
}
/** The `indexedDB` factory, structurally. */
export interface IdbFactory {
  open(name: string, version?: number): IdbOpenRequest;
}

const STORE = 'outbox';

export interface IndexedDbOutboxStoreOptions {
  /** Database name (default `herald-outbox`); use one per account if several share a browser profile. */
  name?: string;
  /** The factory; default `globalThis.indexedDB`. */
  indexedDB?: IdbFactory;
}

export class IndexedDbOutboxStore implements OutboxStore {
  #db: Promise<IdbDatabase> | null = null;
  readonly #name: string;
  readonly #factory: IdbFactory | undefined;

  constructor(options: IndexedDbOutboxStoreOptions = {}) {
    this.#name = options.name ?? 'herald-outbox';
    this.#factory = options.indexedDB ?? (hostIndexedDb() as IdbFactory | undefined);
  }

  async load(): Promise<OutboxRecord[]> {
    const records = await this.#run('readonly', (store) => store.getAll());
    return records.sort((a, b) => a.queuedAt - b.queuedAt);
  }

  async put(record: OutboxRecord): Promise<void> {
    await this.#run('readwrite', (store) => store.put(record));
  }

  async delete(id: string): Promise<void> {
    await this.#run('readwrite', (store) => store.delete(id));
  }

  /** Close the database connection (it reopens on the next call). */
  async close(): Promise<void> {
    const db = this.#db;
    this.#db = null;
    if (db) (await db).close();
  }

  #open(): Promise<IdbDatabase> {
    this.#db ??= new Promise<IdbDatabase>((resolve, reject) => {
      if (!this.#factory) throw new Error('IndexedDB is not available here');
      const request = this.#factory.open(this.#name, 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: 'id' });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return this.#db;
  }

  async #run<T>(mode: 'readonly' | 'readwrite', action: (store: IdbObjectStore) => IdbRequest<T>): Promise<T> {
    const db = await this.#open();
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = action(tx.objectStore(STORE));
      // Resolve on commit, not on request success: a write is durable only then.
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error ?? request.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  }
}

/**
 * The outbox store a client uses when the app passes none: where the host has IndexedDB, one
 * database per account (`herald-outbox-<userId>`, the name apps/web uses too), so a reload keeps
 * unsent messages and a browser profile shared by several accounts never sends one account's
 * messages as another's; memory where there is no IndexedDB (Node).
 */
export function defaultOutboxStore(report: (error: unknown) => void, factory: IdbFactory | undefined = hostIdbFactory()): OutboxStore {
  return factory ? new AccountOutboxStore(factory, report) : new MemoryOutboxStore();
}

function hostIdbFactory(): IdbFactory | undefined {
  const factory = hostIndexedDb() as IdbFactory | undefined;
  return factory && typeof factory.open === 'function' ? factory : undefined;
}

/**
 * IndexedDB per account, chosen once the first connection says whose it is (`scope`). Until then
 * records wait in memory (they are this page's, written by whoever connects next) and `load()`
 * waits, so older records of another account are never loaded; at `scope` they move to the
 * account's database. A failing database falls back to memory, reported once (FallbackOutboxStore).
 */
export class AccountOutboxStore implements OutboxStore {
  readonly #early = new MemoryOutboxStore();
  #scoped: OutboxStore | undefined;
  readonly #ready: Promise<void>;
  #release: () => void = () => undefined;

  readonly #factory: IdbFactory;
  readonly #report: (error: unknown) => void;
  constructor(factory: IdbFactory, report: (error: unknown) => void) {
    this.#factory = factory;
    this.#report = report;
    this.#ready = new Promise<void>((resolve) => {
      this.#release = resolve;
    });
  }

  scope(userId: string): void {
    if (this.#scoped) return;
    const store = new FallbackOutboxStore(
      new IndexedDbOutboxStore({ name: `herald-outbox-${userId}`, indexedDB: this.#factory }),
      this.#report,
    );
    this.#scoped = store;
    void this.#early
      .load()
      .then((records) => Promise.all(records.map((record) => store.put(record))))
      .finally(() => this.#release());
  }

  async load(): Promise<OutboxRecord[]> {
    await this.#ready;
    return (this.#scoped as OutboxStore).load();
  }

  async put(record: OutboxRecord): Promise<void> {
    if (!this.#scoped) return this.#early.put(record);
    await this.#ready;
    return this.#scoped.put(record);
  }

  async delete(id: string): Promise<void> {
    if (!this.#scoped) return this.#early.delete(id);
    await this.#ready;
    return this.#scoped.delete(id);
  }
}
