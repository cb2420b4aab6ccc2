/**
 * The one place that loads oidc-provider's values (types may be imported from it anywhere):
 * its import-time console notices are held back here and logged by the service instead (see
 * hold-library-notices.ts). Keep the side-effect import first; it must run before the library.
 */
import './hold-library-notices.js';
import Provider, { errors, interactionPolicy } from 'oidc-provider';
import { stopHoldingLibraryNotices } from './hold-library-notices.js';

/** What oidc-provider printed while loading ("oidc-provider WARNING: ..."), for the service's log. */
export const libraryNotices: readonly string[] = stopHoldingLibraryNotices();

export { errors, interactionPolicy, Provider };
