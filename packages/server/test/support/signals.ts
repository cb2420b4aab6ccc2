/**
 * Waiting for things to happen, without clocks: a test waits for the event
 * that proves a step is done (a callback, a reported line), never for an
 * amount of time. Nothing here has a deadline; a wait that never ends is a
 * hang, which the test runner's own per-test guard turns into a failure.
 */

/** A promise with its resolve and reject outside, for callbacks and hooks. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Lines a component reports (a `report` callback, a child process's output),
 * kept in order, with a way to wait for a line that may not have come yet.
 */
export class LineLog {
  readonly lines: string[] = [];
  readonly #waiting: { match: (line: string) => boolean; found: Deferred<string> }[] = [];

  #partial = '';

  /** Records one whole line; wakes whoever waits for it. */
  readonly push = (line: string): void => {
    this.lines.push(line);
    for (const w of [...this.#waiting]) {
      if (!w.match(line)) continue;
      this.#waiting.splice(this.#waiting.indexOf(w), 1);
      w.found.resolve(line);
    }
  };

  /** Records a chunk of a stream: its complete lines now, a trailing partial line once it is complete. */
  readonly feed = (chunk: string | Buffer): void => {
    const parts = (this.#partial + String(chunk)).split('\n');
    this.#partial = parts.pop() ?? '';
    for (const line of parts) this.push(line);
  };

  /** Everything recorded, as text (with a partial last line, if any). */
  text(): string {
    return [...this.lines, this.#partial].join('\n');
  }

  /** Where the next line will go: pass it to `until` to wait only for lines recorded from now on. */
  mark(): number {
    return this.lines.length;
  }

  /** The first line from index `from` on, already recorded or still to come, that `match` accepts. */
  until(match: (line: string) => boolean, from = 0): Promise<string> {
    const seen = this.lines.slice(from).find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    const found = deferred<string>();
    this.#waiting.push({ match, found });
    return found.promise;
  }

  /** The first line (from index `from` on) containing `text`. */
  untilIncludes(text: string, from = 0): Promise<string> {
    return this.until((line) => line.includes(text), from);
  }

  some(match: (line: string) => boolean): boolean {
    return this.lines.some(match);
  }
}
