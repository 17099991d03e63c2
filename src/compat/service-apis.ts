/**
 * The seed SDK's `FileApi`, `BotApi`, `ProxyApi` and `HealthApi` over the reactive REST groups.
 */
import { InvalidArgumentError } from '../core/invalid-argument-error.js';
import type {
  BotApi as ReactiveBotApi,
  FileApi as ReactiveFileApi,
  HealthApi as ReactiveHealthApi,
  HttpMethod,
  ProxyApi as ReactiveProxyApi,
  QueryParams,
  UploadBody,
} from '../http/index.js';
import { definedOnly, toPromise, toVoidPromise, type UploadProgressCallback, uploadPromise } from './promise.js';
import { SeedView } from './seed-view.js';
import { seedShapes as S } from './to-seed.js';
import { consoleLogger } from './typed-event-emitter.js';
import type { PagedResult } from './types-common.js';
import type {
  BotDto,
  CreateBotRequest,
  CreateBotResponse,
  CreateUploadUrlRequest,
  CreateUploadUrlResponse,
  HealthStatus,
  ListBotsParams,
  RegenerateKeyResponse,
  UpdateBotRequest,
  UploadResponse,
} from './types-rest.js';

function assertProgressCallback(onProgress: unknown): void {
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw new InvalidArgumentError('onProgress', `expected a function (loaded, total) => void, got ${typeof onProgress}`);
}

/**
 * `client.files`: uploads with progress, download URLs, deletion. Uploads need the JWT;
 * downloads are public. A file over 50 MB is refused before anything is sent.
 *
 * @example
 * ```ts
 * const { storageKey } = await client.files.uploadFile(file, (loaded, total) => setProgress(loaded / total));
 * const url = client.files.getDownloadUrl(storageKey);
 * ```
 */
export class FileApi {
  /**
   * @param rx - the reactive group this one calls.
   * @param view - brings its results to the seed's types. @default one that warns on the console
   */
  constructor(
    private readonly rx: ReactiveFileApi,
    private readonly view: SeedView = new SeedView(consoleLogger),
  ) {}

  /**
   * Uploads in one step (`createUploadUrl`, then `upload`); `onProgress(loaded, total)` follows
   * the bytes sent. A `File` brings its name and type; other bodies are `application/octet-stream`
   * and need a `File`'s name.
   */
  uploadFile(file: UploadBody, onProgress?: UploadProgressCallback): Promise<UploadResponse> {
    return uploadPromise(() => {
      assertProgressCallback(onProgress);
      return this.rx.uploadFile(file);
    }, onProgress).then((response) => this.view.toSeed(S.UploadResponse, response));
  }

  /** Step 1 of a manual upload: an upload URL and the storage key. */
  createUploadUrl(request: CreateUploadUrlRequest): Promise<CreateUploadUrlResponse> {
    return this.view.promise(S.CreateUploadUrlResponse, () => this.rx.createUploadUrl(request));
  }

  /** Step 2: sends the bytes to `uploadUrl` (a relative URL gets the base URL in front). */
  upload(uploadUrl: string, file: UploadBody, onProgress?: UploadProgressCallback): Promise<UploadResponse> {
    return uploadPromise(() => {
      assertProgressCallback(onProgress);
      return this.rx.upload(uploadUrl, file);
    }, onProgress).then((response) => this.view.toSeed(S.UploadResponse, response));
  }

  /** The absolute, public URL of a stored file (nothing is sent). */
  getDownloadUrl(storageKey: string): string {
    return this.rx.getDownloadUrl(storageKey);
  }

  /** Deletes a file (its uploader only); `storageKey` keeps its `/`. */
  delete(storageKey: string): Promise<void> {
    return toVoidPromise(() => this.rx.delete(storageKey));
  }
}

/**
 * `client.bots`: `list` and `getById` are public; the rest needs a `role=dev` JWT. Pages count
 * from 1.
 *
 * @example
 * ```ts
 * const bot = await client.bots.create({ uniqueName: 'my-bot', fullName: 'My Bot', kafkaTopic: 'my-topic' });
 * saveOnce(bot.apiKey);
 * ```
 */
export class BotApi {
  /**
   * @param rx - the reactive group this one calls.
   * @param view - brings its results to the seed's types. @default one that warns on the console
   */
  constructor(
    private readonly rx: ReactiveBotApi,
    private readonly view: SeedView = new SeedView(consoleLogger),
  ) {}

  /** One page of bots. */
  list(params?: ListBotsParams): Promise<PagedResult<BotDto>> {
    return this.view.promise(S.BotPage, () => this.rx.list(definedOnly(params)));
  }

  /** One bot (its name and avatar are its participant's: `participants.getById(bot.participantId)`). */
  getById(id: string): Promise<BotDto> {
    return this.view.promise(S.BotDto, () => this.rx.getById(id));
  }

  /** Creates a bot; its `apiKey` is shown this once. */
  create(request: CreateBotRequest): Promise<CreateBotResponse> {
    return this.view.promise(S.CreateBotResponse, () => this.rx.create(request));
  }

  /** Updates a bot (not its `kafkaTopic`). */
  update(id: string, request: UpdateBotRequest): Promise<BotDto> {
    return this.view.promise(S.BotDto, () => this.rx.update(id, request));
  }

  /** Activates a bot. */
  activate(id: string): Promise<void> {
    return toVoidPromise(() => this.rx.activate(id));
  }

  /** Deactivates a bot. */
  deactivate(id: string): Promise<void> {
    return toVoidPromise(() => this.rx.deactivate(id));
  }

  /** A new API key; the old one stops working at once. */
  regenerateKey(id: string): Promise<RegenerateKeyResponse> {
    return this.view.promise(S.RegenerateKeyResponse, () => this.rx.regenerateKey(id));
  }

  /** Soft-deletes a bot. */
  delete(id: string): Promise<void> {
    return toVoidPromise(() => this.rx.delete(id));
  }
}

/**
 * What `proxy.request` takes besides the service and path: the method (any case; `GET` by
 * default), headers (a record, pairs or a `Headers`), a JSON body and query parameters.
 *
 * @example
 * ```ts
 * const init: ProxyRequestInit = { method: 'DELETE', headers: { 'X-Custom-Header': 'value' } };
 * ```
 */
export interface ProxyRequestInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]> | Headers;
  /** Sent as JSON (a `Blob`, `ArrayBuffer` or bytes as they are). */
  readonly body?: unknown;
  readonly query?: QueryParams;
}

function headerRecord(headers: ProxyRequestInit['headers']): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers as ReadonlyArray<readonly [string, string]>);
  return { ...(headers as Readonly<Record<string, string>>) };
}

/**
 * `client.proxy`: requests to services behind the gateway, `/api/proxy/{service}/{path}`. The
 * answer is parsed JSON (`null` when empty); a failure rejects with a `ChatApiError` carrying the
 * proxy's `detail`.
 *
 * @example
 * ```ts
 * const data = await client.proxy.get<StockData>('trading', 'api/stocks/VN30');
 * ```
 */
export class ProxyApi {
  /** @param rx - the reactive group this one calls. */
  constructor(private readonly rx: ReactiveProxyApi) {}

  /** `GET /api/proxy/{service}/{path}`. */
  get<T = unknown>(service: string, path: string): Promise<T> {
    return this.request<T>(service, path);
  }

  /** `POST /api/proxy/{service}/{path}` with a JSON body. */
  post<T = unknown>(service: string, path: string, body?: unknown): Promise<T> {
    return this.request<T>(service, path, { method: 'POST', ...(body !== undefined ? { body } : {}) });
  }

  /** Any method. */
  request<T = unknown>(service: string, path: string, init: ProxyRequestInit = {}): Promise<T> {
    return toPromise(() => {
      const headers = headerRecord(init.headers);
      return this.rx.request(service, path, {
        method: (init.method ?? 'GET').toUpperCase() as HttpMethod,
        ...(headers !== undefined ? { headers } : {}),
        ...(init.body !== undefined ? { body: init.body } : {}),
        ...(init.query !== undefined ? { query: init.query } : {}),
      });
    }) as Promise<T>;
  }
}

/**
 * `client.health`: public probes.
 *
 * @example
 * ```ts
 * const status = await client.health.live();       // "Healthy"
 * const detail = await client.health.ready();      // { status, totalDuration: "00:00:00.0123456", results }
 * ```
 */
export class HealthApi {
  /**
   * @param rx - the reactive group this one calls.
   * @param view - brings its results to the seed's types. @default one that warns on the console
   */
  constructor(
    private readonly rx: ReactiveHealthApi,
    private readonly view: SeedView = new SeedView(consoleLogger),
  ) {}

  /** Liveness: `"Healthy"` while the process runs. */
  live(): Promise<string> {
    return toPromise(() => this.rx.live());
  }

  /** Readiness of every dependency; durations are .NET TimeSpan strings. */
  ready(): Promise<HealthStatus> {
    return this.view.promise(S.HealthStatus, () => this.rx.ready());
  }
}
