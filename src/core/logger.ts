/** The levels a {@link Logger} receives, least to most severe. */
export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

/**
 * Where the client's diagnostics go: the one logger type of every layer (`ChatLogger` of
 * `createChatClient` and `HubLogger` of the hub clients are this type). Silent unless given;
 * what reaches it has its tokens redacted (see `redactingLogger`).
 *
 * @example
 * ```ts
 * const logger: Logger = (level, message, data) => myLog[level](message, data);
 * ```
 */
export type Logger = (level: LogLevelName, message: string, data?: Record<string, unknown>) => void;
