import {
  asyncScheduler,
  concat,
  groupBy,
  map,
  merge,
  mergeMap,
  type Observable,
  of,
  type SchedulerLike,
  scan,
  startWith,
  switchMap,
  timer,
  distinctUntilChanged,
} from 'rxjs';
import type { TypingDto } from '../codecs/index.js';

/** Someone typing now. */
export interface TypingParticipant {
  /** Who is typing. */
  readonly participantId: string;
  /** Their display name, as their latest `typingStarted` gave it. */
  readonly participantName: string;
}

/** Options of {@link trackTyping}. */
export interface TrackTypingOptions {
  /** An entry expires this long after its last `typingStarted` when no `typingStopped` comes. @default 6000 */
  readonly timeoutMs?: number;
  /** Where the expiry timers run. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Who is typing now, from `typingStarted` / `typingStopped`: each `typingStarted` (re)starts that
 * participant's expiry; `typingStopped` or the expiry removes them. Emits the list (in the order
 * they started) on every change, starting with `[]`. Completes when both sources complete.
 *
 * @example
 * ```ts
 * trackTyping(chat.on('typingStarted'), chat.on('typingStopped'), { timeoutMs: 6000 })
 *   .subscribe((typing) => render(typing.map((t) => t.participantName)));
 * ```
 */
export function trackTyping(
  started$: Observable<TypingDto>,
  stopped$: Observable<TypingDto>,
  options: TrackTypingOptions = {},
): Observable<readonly TypingParticipant[]> {
  const timeoutMs = options.timeoutMs ?? 6000;
  const scheduler = options.scheduler ?? asyncScheduler;
  type Change = { readonly participantId: string; readonly entry: TypingParticipant | null };
  const changes$ = merge(started$.pipe(map((dto) => ({ dto, typing: true }))), stopped$.pipe(map((dto) => ({ dto, typing: false })))).pipe(
    groupBy((event) => event.dto.participantId),
    mergeMap((group$) =>
      group$.pipe(
        switchMap(({ dto, typing }): Observable<Change> => {
          if (!typing) return of({ participantId: dto.participantId, entry: null });
          const entry: TypingParticipant = { participantId: dto.participantId, participantName: dto.participantName };
          return concat(
            of({ participantId: dto.participantId, entry }),
            timer(timeoutMs, scheduler).pipe(map(() => ({ participantId: dto.participantId, entry: null }))),
          );
        }),
      ),
    ),
  );
  // One empty list for the seed and the first emission, so a first event that changes nothing
  // (a typingStopped of someone not typing) is not emitted as a second, different `[]`.
  const nobody: readonly TypingParticipant[] = [];
  return changes$.pipe(
    scan((list: readonly TypingParticipant[], change: Change) => {
      const index = list.findIndex((p) => p.participantId === change.participantId);
      if (change.entry === null) return index < 0 ? list : list.filter((_, i) => i !== index);
      if (index >= 0)
        return (list[index] as TypingParticipant).participantName === change.entry.participantName
          ? list
          : list.map((p, i) => (i === index ? (change.entry as TypingParticipant) : p));
      return [...list, change.entry];
    }, nobody),
    startWith(nobody),
    distinctUntilChanged(),
  );
}
