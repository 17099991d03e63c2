import {
  asyncScheduler,
  concat,
  exhaustMap,
  map,
  merge,
  type Observable,
  of,
  type SchedulerLike,
  startWith,
  switchMap,
  take,
  takeUntil,
  throttleTime,
  timer,
  share,
} from 'rxjs';

/** Options of {@link outgoingTyping}. */
export interface OutgoingTypingOptions {
  /** At most one `start` per this interval while typing goes on. @default 2000 */
  readonly throttleMs?: number;
  /** A pause this long ends typing with `stop`. @default 3000 */
  readonly idleMs?: number;
  /** Where the timers run. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Turns keystrokes into the typing signals to send: `start` on the first keystroke and then at
 * most once per `throttleMs` while typing goes on; `stop` after `idleMs` without a keystroke or
 * as soon as `sent$` emits (a message was sent). Completes when `keystrokes$` completes.
 *
 * @example
 * ```ts
 * outgoingTyping(keystrokes$, sent$).pipe(
 *   concatMap((signal) => signal === 'start' ? chat.startTyping(id) : chat.stopTyping(id)),
 * ).subscribe();
 * ```
 */
export function outgoingTyping(
  keystrokes$: Observable<unknown>,
  sent$: Observable<unknown>,
  options: OutgoingTypingOptions = {},
): Observable<'start' | 'stop'> {
  const throttleMs = options.throttleMs ?? 2000;
  const idleMs = options.idleMs ?? 3000;
  const scheduler = options.scheduler ?? asyncScheduler;
  return keystrokes$.pipe(share(), (keys$) =>
    keys$.pipe(
      exhaustMap(() => {
        const end$ = merge(
          keys$.pipe(
            startWith(null),
            switchMap(() => timer(idleMs, scheduler)),
          ),
          sent$,
        ).pipe(take(1));
        const starts$ = keys$.pipe(
          startWith(null),
          throttleTime(throttleMs, scheduler, { leading: true, trailing: false }),
          map(() => 'start' as const),
          takeUntil(end$),
        );
        return concat(starts$, of('stop' as const));
      }),
    ),
  );
}
