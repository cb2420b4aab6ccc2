/**
 * Preloaded into the server under test (`--import ./bench/server-hooks.ts`,
 * only when the benchmark measures memory): SIGUSR2 runs two full garbage
 * collections, so the RSS read right after reflects live data rather than
 * garbage not yet collected. Needs --expose-gc; does nothing else, and the
 * server's own start path (`scanlogin serve`) is unchanged.
 */
const gc = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => {
  gc?.();
  gc?.();
});
