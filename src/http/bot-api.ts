import type { Observable } from 'rxjs';
import { BotDto, CreateBotRequest, CreateBotResponse, RegenerateKeyResponse, UpdateBotRequest } from '../codecs/bots.js';
import { PagedResult } from '../codecs/pagination.js';
import type { HttpTransport } from './http-transport.js';
import { numberedPageSource, paginate, paginateItems, type PaginateOptions } from './paginate.js';
import { assertBody, assertId, assertOptionalInteger, assertOptionalObject } from '../core/validate.js';

const BotPage = PagedResult(BotDto);

/** Parameters of `bots.list` (page-based, not cursor-based). */
export interface ListBotsParams {
  /** The page, from 1. @default 1 (server) */
  readonly page?: number;
  /** Bots per page. @default the server's */
  readonly pageSize?: number;
}

/**
 * Bots. `list` and `getById` are public; management needs a JWT with `role=dev` (others get
 * 404). Each method validates its arguments synchronously and returns a cold Observable that
 * emits once and completes (void calls emit `undefined`), or errors with a `ChatApiError`.
 *
 * @example
 * ```ts
 * client.bots.create({ uniqueName: 'my-bot', fullName: 'My Bot', kafkaTopic: 'my-topic' })
 *   .subscribe(({ apiKey }) => saveOnce(apiKey));
 * ```
 */
export class BotApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * One page of bots: `GET /api/bots?page=&pageSize=`.
   *
   * @example
   * ```ts
   * client.bots.list({ page: 1, pageSize: 20 }).subscribe(({ items, totalCount }) => …);
   * ```
   */
  list(params: ListBotsParams = {}): Observable<PagedResult<BotDto>> {
    assertListParams(params);
    return this.http.request({
      ...this.http.route('bots.list'),
      query: { page: params.page, pageSize: params.pageSize },
      auth: true,
      codec: BotPage,
    });
  }

  /**
   * Pages of bots from `params.page` (default 1): all of them, or with `loadMore$` the first
   * and then one per signal. See {@link paginate}.
   *
   * @example
   * ```ts
   * client.bots.listPages({ pageSize: 20 }, { loadMore$: moreClicks$ }).subscribe(appendPage);
   * ```
   */
  listPages(params: ListBotsParams = {}, options: PaginateOptions = {}): Observable<PagedResult<BotDto>> {
    assertListParams(params);
    const { pageSize } = params;
    return paginate(
      numberedPageSource((page) => this.list({ page, ...(pageSize !== undefined ? { pageSize } : {}) }), params.page ?? 1),
      options,
    );
  }

  /**
   * Every bot, one by one, fetching the next page only after the previous page's bots were
   * delivered (`take(n)` stops fetching).
   *
   * @example
   * ```ts
   * client.bots.listAll({ pageSize: 50 }).pipe(toArray()).subscribe();
   * ```
   */
  listAll(params: { readonly pageSize?: number } = {}): Observable<BotDto> {
    assertListParams(params);
    const { pageSize } = params;
    return paginateItems(numberedPageSource((page) => this.list({ page, ...(pageSize !== undefined ? { pageSize } : {}) })));
  }

  /**
   * One bot: `GET /api/bots/{id}` (its name and avatar are on `participants.getById(bot.participantId)`).
   *
   * @example
   * ```ts
   * client.bots.getById(id).subscribe();
   * ```
   */
  getById(id: string): Observable<BotDto> {
    assertId('id', id);
    return this.http.request({ ...this.http.route('bots.getById', { id }), auth: true, codec: BotDto });
  }

  /**
   * Creates a bot: `POST /api/bots`; emits the bot with its `apiKey`, shown this once.
   *
   * @example
   * ```ts
   * client.bots.create({ uniqueName: 'b', fullName: 'B', kafkaTopic: 't' }).subscribe((bot) => bot.apiKey);
   * ```
   */
  create(request: CreateBotRequest): Observable<CreateBotResponse> {
    assertBody('request', CreateBotRequest, request);
    return this.http.request({ ...this.http.route('bots.create'), body: request, auth: true, codec: CreateBotResponse });
  }

  /**
   * Updates a bot (not its `kafkaTopic`): `PUT /api/bots/{id}`.
   *
   * @example
   * ```ts
   * client.bots.update(id, { rateLimitPerSecond: 10 }).subscribe();
   * ```
   */
  update(id: string, request: UpdateBotRequest): Observable<BotDto> {
    assertId('id', id);
    assertBody('request', UpdateBotRequest, request);
    return this.http.request({ ...this.http.route('bots.update', { id }), body: request, auth: true, codec: BotDto });
  }

  /**
   * Activates a bot: `POST /api/bots/{id}/activate`. Emits `undefined`.
   *
   * @example
   * ```ts
   * client.bots.activate(id).subscribe();
   * ```
   */
  activate(id: string): Observable<void> {
    assertId('id', id);
    return this.http.request({ ...this.http.route('bots.activate', { id }), auth: true, response: 'void' });
  }

  /**
   * Deactivates a bot: `POST /api/bots/{id}/deactivate`. Emits `undefined`.
   *
   * @example
   * ```ts
   * client.bots.deactivate(id).subscribe();
   * ```
   */
  deactivate(id: string): Observable<void> {
    assertId('id', id);
    return this.http.request({ ...this.http.route('bots.deactivate', { id }), auth: true, response: 'void' });
  }

  /**
   * Rotates the bot's API key (the old one stops working at once): `POST /api/bots/{id}/regenerate-key`.
   *
   * @example
   * ```ts
   * client.bots.regenerateKey(id).subscribe(({ apiKey }) => saveOnce(apiKey));
   * ```
   */
  regenerateKey(id: string): Observable<RegenerateKeyResponse> {
    assertId('id', id);
    return this.http.request({ ...this.http.route('bots.regenerateKey', { id }), auth: true, codec: RegenerateKeyResponse });
  }

  /**
   * Soft-deletes a bot: `DELETE /api/bots/{id}`. Emits `undefined`.
   *
   * @example
   * ```ts
   * client.bots.delete(id).subscribe();
   * ```
   */
  delete(id: string): Observable<void> {
    assertId('id', id);
    return this.http.request({ ...this.http.route('bots.delete', { id }), auth: true, response: 'void' });
  }
}

function assertListParams(params: ListBotsParams): void {
  assertOptionalObject('params', params);
  assertOptionalInteger('params.page', params.page);
  assertOptionalInteger('params.pageSize', params.pageSize);
}
