/** The public API of @scanlogin/server, for embedding the service or building tools on it. */

export { DEMO_USERS, type FirstStartReport, firstStart, formatFirstStart } from './bootstrap.js';
export { type RunningServer, startServer } from './cli/serve.js';
export { ConfigError, flagsToEnv, loadConfig } from './config/load.js';
export type { Config } from './config/schema.js';
export { type Clock, ManualClock, systemClock } from './domain/clock.js';
export { ServiceError } from './domain/errors.js';
export type * from './domain/ports.js';
export { buildHttp } from './http/app.js';
export { createRuntime, openStorage } from './runtime.js';
export type { Services } from './services.js';
export { SqliteStorage } from './storage/sqlite/index.js';
