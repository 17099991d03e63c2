import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { MAX_UPLOAD_BYTES } from '../codecs/files.js';
import type { CreateUploadUrlResponse, UploadResponse } from '../codecs/index.js';
import { badRequest, forbidden, GatewayError, notFound } from './gateway-error.js';
import { formatDateTimeOffset } from './stj-profile.js';

interface PendingUpload {
  readonly id: string;
  readonly storageKey: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly fileSize: number;
  readonly ownerId: string;
  readonly expiresMs: number;
}

interface StoredFile {
  readonly storageKey: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly ownerId: string;
  readonly data: Buffer;
  readonly uploadedAt: string;
}

/**
 * In-memory file storage: upload URLs (relative and authenticated, or presigned absolute URLs on
 * another origin that carry an HMAC signature instead of the token), uploads, public downloads
 * and deletion by the uploader only.
 */
export class FileStore {
  private readonly pending = new Map<string, PendingUpload>();
  private readonly files = new Map<string, StoredFile>();
  private readonly key = randomBytes(32);

  constructor(private readonly now: () => number = Date.now) {}

  /** Reserves an upload; `presignedOrigin` makes the URL absolute and signed (no token needed). */
  createUploadUrl(
    ownerId: string,
    fileName: string,
    contentType: string,
    fileSize: number,
    uploadId: string,
    presignedOrigin?: string,
  ): CreateUploadUrlResponse {
    if (fileSize > MAX_UPLOAD_BYTES) throw new GatewayError(413, `The file is larger than the ${MAX_UPLOAD_BYTES} byte limit.`);
    if (fileName.trim() === '' || /[\\/]|^\.\.?$/.test(fileName))
      throw badRequest('The file name is not valid.', { fileName: ['The file name must not be empty or contain path separators.'] });
    const expiresMs = this.now() + 15 * 60 * 1000;
    const upload: PendingUpload = {
      id: uploadId,
      storageKey: `${uploadId}/${fileName}`,
      fileName,
      contentType,
      fileSize,
      ownerId,
      expiresMs,
    };
    this.pending.set(uploadId, upload);
    const path = `/api/files/upload/${uploadId}`;
    const uploadUrl =
      presignedOrigin !== undefined ? `${presignedOrigin}${path}?expires=${expiresMs}&signature=${this.sign(uploadId, expiresMs)}` : path;
    return { uploadUrl, storageKey: upload.storageKey, expiresAt: formatDateTimeOffset(expiresMs) };
  }

  /** Checks a presigned URL's signature; the uploader is then the one who asked for the URL. */
  verifySignature(uploadId: string, expires: string | null, signature: string | null): boolean {
    if (expires === null || signature === null) return false;
    const expected = Buffer.from(this.sign(uploadId, Number(expires)));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected) && Number(expires) > this.now();
  }

  /** Stores the uploaded bytes. `callerId` is null for a presigned upload. */
  completeUpload(uploadId: string, callerId: string | null, data: Buffer): UploadResponse {
    const upload = this.pending.get(uploadId);
    if (!upload || upload.expiresMs <= this.now()) throw notFound('The upload URL is unknown or expired.');
    if (callerId !== null && callerId !== upload.ownerId) throw forbidden('This upload URL belongs to another user.');
    if (data.length > MAX_UPLOAD_BYTES) throw new GatewayError(413, `The file is larger than the ${MAX_UPLOAD_BYTES} byte limit.`);
    this.pending.delete(uploadId);
    const uploadedAt = formatDateTimeOffset(this.now());
    this.files.set(upload.storageKey, {
      storageKey: upload.storageKey,
      fileName: upload.fileName,
      contentType: upload.contentType,
      ownerId: upload.ownerId,
      data,
      uploadedAt,
    });
    return {
      downloadUrl: `/api/files/${upload.storageKey.split('/').map(encodeURIComponent).join('/')}`,
      storageKey: upload.storageKey,
      fileName: upload.fileName,
      contentType: upload.contentType,
      fileSize: data.length,
      uploadedAt,
    };
  }

  /** The stored file or a 404. */
  get(storageKey: string): StoredFile {
    const file = this.files.get(storageKey);
    if (!file) throw notFound(`File '${storageKey}' was not found.`);
    return file;
  }

  /** Deletes a file (the uploader only). */
  delete(callerId: string, storageKey: string): void {
    const file = this.get(storageKey);
    if (file.ownerId !== callerId) throw forbidden('Only the uploader can delete a file.');
    this.files.delete(storageKey);
  }

  private sign(uploadId: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${uploadId}:${expires}`).digest('base64url');
  }
}
