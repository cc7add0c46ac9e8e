// Errors of the key statistics (stats/): bad options and unreadable statistics files, each with a stable code.
import { EngineModelError } from '../model/errors';

export type KeyStatsErrorCode = 'KEYSTATS_BAD_OPTIONS' | 'KEYSTATS_NO_TOKENS' | 'KEYSTATS_BAD_FILE';

export class KeyStatsError extends EngineModelError {
  declare readonly code: KeyStatsErrorCode;
  constructor(code: KeyStatsErrorCode, message: string) {
    super(code, message);
  }
}
