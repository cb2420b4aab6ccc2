/**
 * The `context` a page passes to `gene`: the page's own words about itself
 * (authing-js-sdk sends it for Authing's pipeline). Anyone can write a page,
 * so it is bounded when it comes in and turned into plain, visible text
 * before a phone sees it, under a name of its own (`pageContext`): it can
 * never take the place of what the service itself observed or knows (the
 * application's name, the origin, the address).
 */
import { PAGE_CONTEXT_LIMITS, type PageContextView, visibleText } from '@scanlogin/protocol';

/** The biggest `context` kept with a code (bytes of JSON). */
export const MAX_PAGE_CONTEXT_BYTES = 1024;

/** What the phone is shown of a page's context: its first members as bounded, visible text. */
export function describePageContext(context: Record<string, unknown> | null): PageContextView | null {
  if (!context) return null;
  const members = Object.entries(context);
  if (members.length === 0) return null;
  const shown = members.slice(0, PAGE_CONTEXT_LIMITS.entries);
  return {
    entries: shown.map(([key, value]) => ({
      key: visibleText(key, PAGE_CONTEXT_LIMITS.keyLength),
      value: visibleText(
        typeof value === 'string' ? value : JSON.stringify(value),
        PAGE_CONTEXT_LIMITS.valueLength,
      ),
    })),
    omitted: members.length - shown.length,
  };
}
