/**
 * From the reactive client's cold Observables to the seed SDK's Promises.
 */
import { catchError, filter, firstValueFrom, lastValueFrom, map, type Observable, of, tap, throwError } from 'rxjs';
import { HubError } from '../hubs/index.js';
import { isUploadDone, type UploadEvent } from '../http/index.js';
import type { UploadResponse } from '../codecs/index.js';
import { logHandlerError } from './typed-event-emitter.js';

/**
 * Reports a bytes-sent count during an upload: `loaded` of `total` bytes.
 *
 * @example
 * ```ts
 * const onProgress: UploadProgressCallback = (loaded, total) => setProgress(Math.round((loaded / total) * 100));
 * await client.files.uploadFile(file, onProgress);
 * ```
 */
export type UploadProgressCallback = (loaded: number, total: number) => void;

/**
 * Runs `work` and resolves with the first value of the Observable it returns. An argument the
 * reactive client refuses synchronously (an `InvalidArgumentError`) rejects the Promise instead
 * of throwing, as an `async` method of the seed SDK would.
 *
 * @example
 * ```ts
 * const conversation = await toPromise(() => rx.conversations.getById(id));
 * ```
 */
export function toPromise<T>(work: () => Observable<T>): Promise<T> {
  try {
    return firstValueFrom(work());
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Like {@link toPromise} for a void call: resolves with `undefined` once `work`'s Observable
 * completes (or emits).
 *
 * @example
 * ```ts
 * await toVoidPromise(() => rx.conversations.pin(id));
 * ```
 */
export function toVoidPromise(work: () => Observable<unknown>): Promise<void> {
  try {
    return lastValueFrom(work().pipe(map(() => undefined)), { defaultValue: undefined });
  } catch (error) {
    return Promise.reject(error);
  }
}

/** `P` without `undefined` members: what an options object given with `x: undefined` means. */
export type DefinedOnly<P> = { [K in keyof P]?: Exclude<P[K], undefined> };

/**
 * `params` without its members that are `undefined` (left out, as the seed's `cursor: cursor ??
 * undefined` means), for the reactive client, whose options are typed under
 * `exactOptionalPropertyTypes`. Anything but a plain object is returned as it is (the reactive
 * client then says what is wrong with it).
 *
 * @example
 * ```ts
 * definedOnly({ limit: 30, cursor: undefined }); // { limit: 30 }
 * ```
 */
export function definedOnly<P extends object>(params: P | undefined): DefinedOnly<P> | undefined {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return params;
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined)) as DefinedOnly<P>;
}

/** True for an ack object: `{ success: boolean, … }`. */
function isAck(value: unknown): value is { success: boolean } {
  return typeof value === 'object' && value !== null && typeof (value as { success?: unknown }).success === 'boolean';
}

/**
 * Resolves with a hub method's ack, also when it says `success: false` (the reactive client
 * errors with a `HubError` of kind `ack` then; the seed SDK returned the ack): the ack is the
 * value, `errorCode` and `errorMessage` included. Any other failure rejects.
 *
 * @example
 * ```ts
 * const ack = await ackPromise(() => rx.sendMessage(request));
 * if (!ack.success) console.error(ack.errorCode, ack.errorMessage);
 * ```
 */
export function ackPromise<A>(work: () => Observable<A>): Promise<A> {
  return toPromise(() =>
    work().pipe(
      catchError((error: unknown) =>
        HubError.is(error) && error.kind === 'ack' && isAck(error.raw) ? of(error.raw as A) : throwError(() => error),
      ),
    ),
  );
}

/**
 * Resolves with the `UploadResponse` of an upload's events, passing each progress event to
 * `onProgress` as `(loaded, total)`. A callback that throws is reported (`console.error`) and the
 * upload goes on, as with the seed SDK's XHR progress handler.
 *
 * @example
 * ```ts
 * const uploaded = await uploadPromise(() => rx.files.uploadFile(file), (loaded, total) => bar.set(loaded / total));
 * ```
 */
export function uploadPromise(work: () => Observable<UploadEvent>, onProgress?: UploadProgressCallback): Promise<UploadResponse> {
  return toPromise(() =>
    work().pipe(
      tap((event) => {
        if (event.type !== 'progress' || onProgress === undefined) return;
        try {
          onProgress(event.loaded, event.total ?? event.loaded);
        } catch (error) {
          logHandlerError(error, 'upload progress');
        }
      }),
      filter(isUploadDone),
      map((event) => event.response),
    ),
  );
}
