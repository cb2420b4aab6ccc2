/**
 * Why a start cannot go on, in one line an operator can act on: what failed,
 * where, and the cause as the system said it. The CLI prints the message and
 * nothing else (no stack: these are settings and surroundings, not bugs).
 * Connection strings are never repeated: a backend is named by host and port,
 * and its password is scrubbed from the cause too.
 */
export class StartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartError';
  }
}

/** `host:port` of a connection URL, without user or password; the URL's own text if it does not parse. */
export function whereOf(url: string, defaultPort: number): string {
  try {
    const u = new URL(url);
    const host = u.hostname || 'localhost';
    return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${u.port || defaultPort}`;
  } catch {
    return '(an unreadable URL)';
  }
}

/** The password of a connection URL, raw and decoded (either may show up in a driver's message). */
function passwordsOf(url: string): string[] {
  try {
    const raw = new URL(url).password;
    if (!raw) return [];
    return [...new Set([raw, decodeURIComponent(raw)])].filter((p) => p.length > 0);
  } catch {
    return [];
  }
}

/** The innermost useful message of an error: causes and Node's per-address AggregateErrors unwrapped. */
export function causeText(err: unknown): string {
  const seen = new Set<unknown>();
  let e: unknown = err;
  // StorageUnavailableError and friends wrap the driver's error: the driver says what happened.
  while (e instanceof Error && e.cause !== undefined && !seen.has(e)) {
    seen.add(e);
    e = e.cause;
  }
  if (e instanceof AggregateError && e.errors.length > 0) {
    return [...new Set(e.errors.map((x) => causeText(x)))].join('; ');
  }
  const text = e instanceof Error ? e.message || (e as { code?: string }).code || e.name : String(e);
  return text.replace(/\s+/g, ' ').trim() || 'no reason given';
}

/**
 * A storage backend that failed while opening: PostgreSQL (DATABASE_URL) or
 * Redis (REDIS_URL), by host and port, with the driver's reason, password hidden.
 */
export function backendStartError(
  backend: 'PostgreSQL' | 'Redis',
  setting: 'DATABASE_URL' | 'REDIS_URL',
  url: string,
  err: unknown,
): StartError {
  let cause = causeText(err);
  for (const p of passwordsOf(url)) cause = cause.replaceAll(p, '***');
  const where = whereOf(url, backend === 'PostgreSQL' ? 5432 : 6379);
  return new StartError(`${backend} at ${where} (${setting}) cannot be used: ${cause}`, { cause: err });
}

/** `listen` failed: the usual reasons said plainly, the others with the system's own words. */
export function listenStartError(host: string, port: number, err: unknown, setting = 'PORT'): StartError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const at = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const reason =
    code === 'EADDRINUSE'
      ? `the port is in use by another program (another scanlogin?); stop it or choose another ${setting}`
      : code === 'EACCES'
        ? `permission denied (ports below 1024 need privileges); choose another ${setting}`
        : code === 'EADDRNOTAVAIL'
          ? `that address is not one of this machine; check ${setting === 'PORT' ? 'HOST' : 'METRICS_HOST'}`
          : causeText(err);
  return new StartError(`Cannot listen on ${at}: ${reason}`, { cause: err });
}
