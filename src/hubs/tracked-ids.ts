/**
 * A replayed set of ids a hub tracks (conversations joined, presence subscribed), shared by the
 * real hub clients and the fakes of `chat-client-rx/testing`. Internal: not exported by any barrel.
 */
import { BehaviorSubject, type Observable } from 'rxjs';

/**
 * A set of ids as a replayed Observable: every change emits a new set (never the same object
 * mutated); a change that changes nothing emits nothing.
 *
 * @example
 * ```ts
 * const joined = new TrackedIds();
 * joined.set(['general'], true);   // ids$: {general}
 * joined.set(['general'], true);   // nothing
 * ```
 */
export class TrackedIds {
  /** Replays the ids now, then every change. */
  readonly ids$: Observable<ReadonlySet<string>>;
  private readonly subject = new BehaviorSubject<ReadonlySet<string>>(new Set());

  constructor() {
    this.ids$ = this.subject.asObservable();
  }

  /** The ids now, synchronously. */
  get ids(): ReadonlySet<string> {
    return this.subject.value;
  }

  /** Adds (`present: true`) or removes `ids`; emits a new set only when one of them changed. */
  set(ids: readonly string[], present: boolean): void {
    const current = this.subject.value;
    if (ids.every((id) => current.has(id) === present)) return;
    const next = new Set(current);
    for (const id of ids) {
      if (present) next.add(id);
      else next.delete(id);
    }
    this.subject.next(next);
  }

  /** Forgets every id (emits an empty set unless it is empty already). */
  clear(): void {
    if (this.subject.value.size > 0) this.subject.next(new Set());
  }
}
