import * as t from 'io-ts';
import { IsoDateTime, NonNegativeInteger } from './scalars.js';

/** The largest file the gateway accepts: 50 MB. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** Body of `POST /api/files/upload-url`. */
export const CreateUploadUrlRequest = t.type(
  { fileName: t.string, contentType: t.string, fileSize: NonNegativeInteger },
  'CreateUploadUrlRequest',
);
/** Body of `POST /api/files/upload-url` (`fileSize` in bytes, at most 50 MB). */
export type CreateUploadUrlRequest = t.TypeOf<typeof CreateUploadUrlRequest>;

/** Where to `PUT` the file (`uploadUrl` is relative to the gateway, or a presigned absolute URL). */
export const CreateUploadUrlResponse = t.type(
  { uploadUrl: t.string, storageKey: t.string, expiresAt: IsoDateTime },
  'CreateUploadUrlResponse',
);
/** Where to `PUT` the file. */
export type CreateUploadUrlResponse = t.TypeOf<typeof CreateUploadUrlResponse>;

/** What the upload `PUT` returns (`downloadUrl` is relative). */
export const UploadResponse = t.type(
  {
    downloadUrl: t.string,
    storageKey: t.string,
    fileName: t.string,
    contentType: t.string,
    fileSize: NonNegativeInteger,
    uploadedAt: IsoDateTime,
  },
  'UploadResponse',
);
/** What the upload `PUT` returns. */
export type UploadResponse = t.TypeOf<typeof UploadResponse>;
