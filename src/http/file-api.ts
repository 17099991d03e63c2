import { either } from 'fp-ts';
import { asyncScheduler, defer, map, switchMap, type Observable, type SchedulerLike } from 'rxjs';
import { decodeWith } from '../codecs/decode-with.js';
import { CreateUploadUrlRequest, CreateUploadUrlResponse, MAX_UPLOAD_BYTES, UploadResponse } from '../codecs/files.js';
import { ChatApiError } from './chat-api-error.js';
import { cleanUploadUrl } from './clean-upload-url.js';
import type { HttpDoneEvent, HttpProgressEvent, HttpTransport } from './http-transport.js';
import { ArgumentRangeError, InvalidArgumentError } from '../core/invalid-argument-error.js';
import { assertBody, assertNonEmptyString, assertOptionalObject, assertSafeSegments } from '../core/validate.js';

/** What can be uploaded: a `Blob`/`File` (browsers, Node ≥ 20), an `ArrayBuffer`, a `Uint8Array` or a Node `Buffer`. */
export type UploadBody = Blob | ArrayBuffer | ArrayBufferView;

/**
 * What an upload emits: `{ type: 'progress', loaded, total }` events (bytes sent, never
 * decreasing, the last one with `loaded === total`), then one `{ type: 'done', response }`
 * with the server's `UploadResponse` (plus `cleanUrl` for a presigned upload on another origin),
 * then completion.
 *
 * In browsers `loaded` is what XHR reports as sent; in Node (axios's http adapter) it counts the
 * bytes handed to the socket, throttled to about 3 events a second, so on a fast link a body
 * can show `loaded === total` while the server is still reading it. The `done` event is the
 * only proof the server has the file.
 */
export type UploadEvent = UploadProgressEvent | UploadDoneEvent;
/** Upload progress: `loaded` of `total` bytes sent. */
export type UploadProgressEvent = HttpProgressEvent;
/**
 * The end of an upload: the server's `UploadResponse`, and for a presigned upload (an absolute
 * `uploadUrl` on another origin than the gateway's) its `cleanUrl`.
 */
export interface UploadDoneEvent extends HttpDoneEvent<UploadResponse> {
  /**
   * The presigned URL the file was `PUT` to without its query and fragment (see
   * {@link cleanUploadUrl}): the seed 000 SDK's "CDN URL", for a storage host that serves the file
   * there. Only for an absolute `http(s)` upload URL on another origin; absent for an upload to
   * the gateway itself (its upload path is not where it serves the file: use `response.downloadUrl`).
   */
  readonly cleanUrl?: string;
}

/**
 * True for the final event of an upload; with `filter(isUploadDone)` you get only the result.
 *
 * @example
 * ```ts
 * client.files.uploadFile(file).pipe(filter(isUploadDone), map((e) => e.response.storageKey));
 * ```
 */
export function isUploadDone(event: UploadEvent): event is UploadDoneEvent {
  return event.type === 'done';
}

/** Options of `files.upload` and `files.uploadFile`. */
export interface UploadOptions {
  /** The file name. @default the `File`'s name (required for other bodies in `uploadFile`) */
  readonly fileName?: string;
  /** The content type. @default the `Blob`'s type, else `application/octet-stream` */
  readonly contentType?: string;
  /**
   * The storage key the upload URL was issued for; with a presigned URL on a storage host that
   * does not answer with an `UploadResponse`, the result is built from it. `uploadFile` sets it.
   * @default none
   */
  readonly storageKey?: string;
  /** Fail after this long without upload progress or a response; 0 = never. @default the transport's */
  readonly timeoutMs?: number;
}

const decodeUploadResponse = decodeWith(UploadResponse);

function sizeOf(body: UploadBody): number {
  return body instanceof Blob ? body.size : body.byteLength;
}

function assertUploadBody(argument: string, body: unknown): asserts body is UploadBody {
  const ok = (typeof Blob !== 'undefined' && body instanceof Blob) || body instanceof ArrayBuffer || ArrayBuffer.isView(body);
  if (!ok) throw new InvalidArgumentError(argument, 'expected a Blob, File, ArrayBuffer, Uint8Array or Buffer');
  const size = sizeOf(body);
  if (size > MAX_UPLOAD_BYTES) {
    throw new ArgumentRangeError(argument, `is ${size} bytes; the gateway accepts at most ${MAX_UPLOAD_BYTES} (50 MB)`);
  }
}

/** The clean URL of an absolute presigned upload URL; undefined when it cannot be parsed (the PUT then fails as it did before). */
function cleanUrlOf(url: string): string | undefined {
  try {
    return cleanUploadUrl(url);
  } catch {
    return undefined;
  }
}

function fileNameOf(body: UploadBody): string | undefined {
  const name = (body as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function contentTypeOf(body: UploadBody, options: UploadOptions): string {
  if (options.contentType !== undefined) return options.contentType;
  if (body instanceof Blob && body.type !== '') return body.type;
  return 'application/octet-stream';
}

/**
 * Files: presigned uploads with progress, download URLs, deletion. Upload calls need the JWT;
 * downloads are public. Arguments are validated synchronously (a file over 50 MB throws an
 * `ArgumentRangeError` before anything is sent).
 *
 * @example
 * ```ts
 * client.files.uploadFile(input.files[0]).subscribe((e) =>
 *   e.type === 'progress' ? bar.set(e.loaded / e.total) : attach(e.response.storageKey));
 * ```
 */
export class FileApi {
  private readonly scheduler: SchedulerLike;

  /** @param scheduler - where the synthesised `uploadedAt` of a presigned upload comes from. @default asyncScheduler */
  constructor(
    private readonly http: HttpTransport,
    scheduler: SchedulerLike = asyncScheduler,
  ) {
    this.scheduler = scheduler;
  }

  /**
   * Step 1 of a manual upload: asks for an upload URL, `POST /api/files/upload-url`. Throws an
   * `ArgumentRangeError` for `fileSize` over 50 MB (nothing is sent).
   *
   * @example
   * ```ts
   * client.files.createUploadUrl({ fileName: 'a.jpg', contentType: 'image/jpeg', fileSize: file.size }).subscribe();
   * ```
   */
  createUploadUrl(request: CreateUploadUrlRequest): Observable<CreateUploadUrlResponse> {
    assertBody('request', CreateUploadUrlRequest, request);
    assertNonEmptyString('request.fileName', request.fileName);
    assertNonEmptyString('request.contentType', request.contentType);
    if (request.fileSize > MAX_UPLOAD_BYTES) {
      throw new ArgumentRangeError(
        'request.fileSize',
        `is ${request.fileSize} bytes; the gateway accepts at most ${MAX_UPLOAD_BYTES} (50 MB)`,
      );
    }
    return this.http.request({
      ...this.http.route('files.createUploadUrl'),
      body: request,
      auth: true,
      codec: CreateUploadUrlResponse,
    });
  }

  /**
   * Step 2: `PUT`s the bytes to `uploadUrl`, emitting progress then `done` (see {@link UploadEvent}).
   * A relative `uploadUrl` goes to the gateway with the token; an absolute URL on another origin
   * (a presigned storage URL) gets no Authorization header, and its `done` event carries
   * `cleanUrl` (the URL without its query). Unsubscribing aborts the upload.
   *
   * @example
   * ```ts
   * client.files.upload(uploadUrl, file).pipe(filter(isUploadDone)).subscribe((e) => e.response);
   * ```
   */
  upload(uploadUrl: string, file: UploadBody, options: UploadOptions = {}): Observable<UploadEvent> {
    assertNonEmptyString('uploadUrl', uploadUrl);
    assertUploadBody('file', file);
    assertOptionalObject('options', options);
    const contentType = contentTypeOf(file, options);
    const size = sizeOf(file);
    const url = this.http.url(uploadUrl);
    const fromGateway = this.http.isGatewayUrl(url);
    const cleanUrl = !fromGateway && /^https?:\/\//i.test(url) ? cleanUrlOf(url) : undefined;
    return this.http
      .events({
        method: 'PUT',
        path: uploadUrl,
        body: file,
        contentType,
        auth: true,
        response: 'text',
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      })
      .pipe(
        map((event): UploadEvent => {
          if (event.type === 'progress') return { type: 'progress', loaded: event.loaded, total: event.total ?? size };
          return {
            type: 'done',
            response: this.uploadResult(typeof event.response === 'string' ? event.response : '', fromGateway, file, contentType, options),
            ...(cleanUrl !== undefined ? { cleanUrl } : {}),
          };
        }),
      );
  }

  /**
   * Uploads in one call: `createUploadUrl` (name, type and size from the file or `options`) then
   * `upload`, emitting the upload's progress and `done` events. Throws synchronously for a file
   * over 50 MB or without a name.
   *
   * @example
   * ```ts
   * client.files.uploadFile(buffer, { fileName: 'report.pdf', contentType: 'application/pdf' }).subscribe();
   * ```
   */
  uploadFile(file: UploadBody, options: UploadOptions = {}): Observable<UploadEvent> {
    assertUploadBody('file', file);
    assertOptionalObject('options', options);
    const fileName = options.fileName ?? fileNameOf(file);
    if (fileName === undefined || fileName === '') {
      throw new InvalidArgumentError('options.fileName', 'is required when the file is not a File with a name');
    }
    const contentType = contentTypeOf(file, options);
    const ticket$ = this.createUploadUrl({ fileName, contentType, fileSize: sizeOf(file) });
    return ticket$.pipe(
      switchMap((ticket) =>
        defer(() => this.upload(ticket.uploadUrl, file, { ...options, fileName, contentType, storageKey: ticket.storageKey })),
      ),
    );
  }

  /**
   * The absolute, public download URL of a stored file (synchronous, nothing is sent). Each
   * segment of the key is URL-encoded, the `/` between them kept.
   *
   * @example
   * ```ts
   * client.files.getDownloadUrl('01HXABCDEF/photo.jpg'); // "https://chat-api.example.com/api/files/01HXABCDEF/photo.jpg"
   * ```
   */
  getDownloadUrl(storageKey: string): string {
    assertSafeSegments('storageKey', storageKey);
    return this.http.url(this.http.route('files.download', { storageKey }).path);
  }

  /**
   * Deletes a file (uploader only): `DELETE /api/files/{storageKey}`. Emits `undefined`.
   *
   * @example
   * ```ts
   * client.files.delete('01HXABCDEF/photo.jpg').subscribe();
   * ```
   */
  delete(storageKey: string): Observable<void> {
    assertSafeSegments('storageKey', storageKey);
    return this.http.request({ ...this.http.route('files.delete', { storageKey }), auth: true, response: 'void' });
  }

  /** The `UploadResponse` of a finished PUT: decoded, or for a storage host's empty answer built from the ticket. */
  private uploadResult(text: string, fromGateway: boolean, file: UploadBody, contentType: string, options: UploadOptions): UploadResponse {
    let json: unknown;
    try {
      json = text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      json = undefined;
    }
    const decoded = decodeUploadResponse(json);
    if (either.isRight(decoded)) return decoded.right;
    if (!fromGateway && options.storageKey !== undefined) {
      return {
        downloadUrl: this.http.route('files.download', { storageKey: options.storageKey }).path,
        storageKey: options.storageKey,
        fileName: options.fileName ?? fileNameOf(file) ?? options.storageKey.split('/').pop() ?? options.storageKey,
        contentType,
        fileSize: sizeOf(file),
        uploadedAt: new Date(this.scheduler.now()).toISOString(),
      };
    }
    throw json === undefined && text.trim() !== ''
      ? new ChatApiError({
          kind: 'invalid-response',
          status: 200,
          title: 'Invalid response body',
          detail: `expected JSON, got: ${text.slice(0, 100)}`,
          body: text,
        })
      : ChatApiError.fromDecodeError(decoded.left, 200, json);
  }
}
