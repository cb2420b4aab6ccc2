// Runs secureDataDirectory on argv[2] and exits 2 with the message on a ConfigError
// (data-dir.test.ts runs it as another user).
import { secureDataDirectory } from '../../src/cli/data-dir.js';
import { ConfigError } from '../../src/config/load.js';

try {
  secureDataDirectory(process.argv[2]!, 'DATA_DIR');
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}
