import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/**
 * Copies the write-ahead log back into the database file from a worker
 * thread, so that the request thread never does it.
 *
 * In WAL mode SQLite checkpoints on the committing connection once the log
 * passes 1,000 pages: that commit then writes every changed page back and
 * fsyncs the file, and better-sqlite3 being synchronous, the event loop
 * stands still meanwhile (several milliseconds, every few hundred QR codes
 * created). A second connection in a worker runs passive checkpoints instead:
 * they never block the writer, and their I/O and fsync happen beside the
 * requests. If the worker fails, the request connection checkpoints by
 * itself again.
 *
 * The request connection keeps a bound of its own (`limitPages`): a passive
 * checkpoint that never quite catches up with a steady stream of writes
 * leaves the log unable to start over, and it would grow without end (1.4 GB
 * after 100,000 codes in the benchmark). Past the bound, the writer finishes
 * the checkpoint itself; the worker has copied nearly everything by then, so
 * that is short, and the log starts over at the next write.
 */
export class WalCheckpointer {
  readonly #worker: Worker;
  #stopped = false;

  constructor(
    private readonly db: Database.Database,
    file: string,
    { everyMs = 200, limitPages = 4000 }: { everyMs?: number; limitPages?: number } = {},
  ) {
    // An eval'd CommonJS worker finds the addon by absolute path, with or without a TS loader.
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(
      `
      const { workerData, parentPort } = require('node:worker_threads');
      const Database = require(workerData.driver);
      const db = new Database(workerData.file, { fileMustExist: true });
      db.pragma('busy_timeout = 0');
      const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.everyMs);
      parentPort.on('message', () => {
        clearInterval(timer);
        db.close();
        parentPort.close();
      });
      `,
      { eval: true, workerData: { driver, file, everyMs } },
    );
    this.#worker.unref();
    this.#worker.on('error', () => this.#fallBack());
    this.#worker.on('exit', () => this.#fallBack());
    db.pragma(`wal_autocheckpoint = ${limitPages}`);
  }

  /** Stops the worker; the request connection's own close does the last checkpoint. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const exited = new Promise((resolve) => this.#worker.once('exit', resolve));
    this.#worker.ref(); // unreferenced, waiting for its exit would not keep this process alive
    this.#worker.postMessage('stop');
    await exited;
  }

  #fallBack(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
  }
}
