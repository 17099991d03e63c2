import * as t from 'io-ts';
import type { Observable } from 'rxjs';
import { CreateOrUpdateParticipantRequest, ParticipantDto } from '../codecs/participants.js';
import type { HttpTransport } from './http-transport.js';
import { assertBody, assertId, assertIdArray } from '../core/validate.js';

const ParticipantList = t.array(ParticipantDto, 'ParticipantDto[]');

/**
 * Participants (users and bots); every call needs the JWT. Each method validates its arguments
 * synchronously (throwing an `InvalidArgumentError` naming the argument) and returns a cold
 * Observable that sends the request on subscribe, emits the decoded response once and
 * completes, or errors with a `ChatApiError`.
 *
 * @example
 * ```ts
 * client.participants.getById('user-123').subscribe((p) => console.log(p.fullName));
 * ```
 */
export class ParticipantApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Creates or updates (upsert by `id`) a participant: `POST /api/participants`.
   *
   * @example
   * ```ts
   * client.participants.createOrUpdate({ id: 'u1', uniqueName: 'john', fullName: 'John' }).subscribe();
   * ```
   */
  createOrUpdate(request: CreateOrUpdateParticipantRequest): Observable<ParticipantDto> {
    assertBody('request', CreateOrUpdateParticipantRequest, request);
    return this.http.request({ ...this.http.route('participants.createOrUpdate'), body: request, auth: true, codec: ParticipantDto });
  }

  /**
   * One participant by id: `GET /api/participants/{id}` (404 → `ChatApiError`).
   *
   * @example
   * ```ts
   * client.participants.getById(bot.participantId).subscribe((p) => p.fullName);
   * ```
   */
  getById(id: string): Observable<ParticipantDto> {
    assertId('id', id);
    return this.http.request({ ...this.http.route('participants.getById', { id }), auth: true, codec: ParticipantDto });
  }

  /**
   * One participant by unique name: `GET /api/participants/by-unique-name/{name}`.
   *
   * @example
   * ```ts
   * client.participants.getByUniqueName('john_doe').subscribe();
   * ```
   */
  getByUniqueName(uniqueName: string): Observable<ParticipantDto> {
    assertId('uniqueName', uniqueName);
    return this.http.request({
      ...this.http.route('participants.getByUniqueName', { uniqueName }),
      auth: true,
      codec: ParticipantDto,
    });
  }

  /**
   * Several participants in one request: `POST /api/participants/batch` with `{ ids }`. Unknown
   * ids are skipped (no error), so the array may be shorter than `ids`.
   *
   * @example
   * ```ts
   * client.participants.getBatch(['id-1', 'id-2']).subscribe((list) => list.length);
   * ```
   */
  getBatch(ids: readonly string[]): Observable<ParticipantDto[]> {
    assertIdArray('ids', ids);
    return this.http.request({
      ...this.http.route('participants.getBatch'),
      body: { ids: [...ids] },
      auth: true,
      codec: ParticipantList,
    });
  }
}
