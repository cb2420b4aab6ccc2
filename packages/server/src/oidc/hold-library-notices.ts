/**
 * Holds back what oidc-provider prints to the console while its module is evaluated (on Node 20
 * it warns "Unsupported runtime": it asks for Node 22 LTS or later). Printed there, the line
 * lands on stderr of every command, `scanlogin --version` included, and outside the JSON logs
 * that collectors read. Imported for its effect by library.ts, just before oidc-provider itself
 * (ES modules evaluate their imports in order); library.ts stops holding once the library is in,
 * and the service logs what was held through its own logger at start (cli/serve.ts).
 */
const held: string[] = [];
const original = console.warn;

console.warn = (...args: unknown[]) => {
  const line = args.map(String).join(' ');
  if (line.startsWith('oidc-provider ')) held.push(line);
  else original(...args);
};

/** Puts console.warn back and returns the library's notices held so far. */
export function stopHoldingLibraryNotices(): readonly string[] {
  console.warn = original;
  return held;
}
