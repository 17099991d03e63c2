/**
 * Thrown synchronously by a REST method, a hub invocation or `timeline.send`, before it returns
 * an Observable, when an argument is unusable: a wrong type, an empty id or one that is `.` or
 * `..`, a numeric cursor, a negative limit, a file over 50 MB, a storage key with a `..` segment,
 * a message without blocks, a text block over 100,000 characters, a `clientMessageId` over 128
 * characters, a hub invocation larger than the hub's `maxMessageBytes`… Nothing has been sent
 * when it is thrown, and no connection was touched.
 *
 * It is a `TypeError`, so `catch (e) { if (e instanceof TypeError) … }` also catches it; range
 * problems (negative limit, oversize file) are `RangeError`s: see {@link ArgumentRangeError}.
 *
 * @example
 * ```ts
 * try {
 *   client.messages.getById('');
 * } catch (e) {
 *   if (InvalidArgumentError.is(e)) console.error(e.argument); // "messageId"
 * }
 * ```
 */
export class InvalidArgumentError extends TypeError {
  /** Always `"InvalidArgumentError"` (what {@link InvalidArgumentError.is} checks across copies of this library). */
  override readonly name = 'InvalidArgumentError' as const;
  /** The name of the offending argument, dotted for a field of an object argument (`request.blocks`). */
  readonly argument: string;

  constructor(argument: string, message: string, options?: { cause?: unknown }) {
    super(`${argument}: ${message}`, options);
    this.argument = argument;
  }

  /** True for an {@link InvalidArgumentError} or {@link ArgumentRangeError} (also from another copy of this library). */
  static is(error: unknown): error is InvalidArgumentError | ArgumentRangeError {
    if (error instanceof InvalidArgumentError || error instanceof ArgumentRangeError) return true;
    if (typeof error !== 'object' || error === null) return false;
    const { name, argument } = error as { name?: unknown; argument?: unknown };
    return (name === 'InvalidArgumentError' || name === 'ArgumentRangeError') && typeof argument === 'string';
  }
}

/**
 * Thrown synchronously by a REST method when a numeric argument is out of range: a limit that is
 * negative, zero, fractional or NaN, a page below 1, a file larger than 50 MB.
 *
 * @example
 * ```ts
 * expect(() => client.files.createUploadUrl({ fileName: 'a', contentType: 'x/y', fileSize: 60e6 }))
 *   .to.throw(ArgumentRangeError);
 * ```
 */
export class ArgumentRangeError extends RangeError {
  /** Always `"ArgumentRangeError"` (what {@link InvalidArgumentError.is} checks across copies of this library). */
  override readonly name = 'ArgumentRangeError' as const;
  /** The name of the offending argument. */
  readonly argument: string;

  constructor(argument: string, message: string) {
    super(`${argument}: ${message}`);
    this.argument = argument;
  }
}
