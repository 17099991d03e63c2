/**
 * What every layer shares (argument validation and its errors, the logger type, token
 * redaction, error messages), so no layer imports a sibling for them. Internal: the package's
 * entry points re-export only the public names (`InvalidArgumentError`, `ArgumentRangeError`,
 * `ChatLogger`/`HubLogger`).
 */
export { messageOf } from './errors.js';
export { ArgumentRangeError, InvalidArgumentError } from './invalid-argument-error.js';
export type { Logger, LogLevelName } from './logger.js';
export { REDACTED, redactData, redactText, redactingLogger } from './redact.js';
export {
  MAX_CLIENT_MESSAGE_ID_LENGTH,
  MAX_TEXT_BLOCK_LENGTH,
  assertBody,
  assertId,
  assertIdArray,
  assertMessageBlocks,
  assertMessageFields,
  assertNonEmptyString,
  assertOneOf,
  assertOptionalClientMessageId,
  assertOptionalCursor,
  assertOptionalHeaders,
  assertOptionalId,
  assertOptionalInteger,
  assertOptionalObject,
  assertSafeSegments,
  assertSegmentValue,
  assertString,
  assertTextLength,
  assertUrlSafeToken,
} from './validate.js';
