/**
 * The playground's composer: sending text to the open conversation optimistically (pending →
 * sent → confirmed in the timeline), and uploading a file with progress, then sending it there as
 * a file block.
 */
import { defer, filter, map, switchMap, tap } from 'rxjs';
import { isUploadDone, type FileBlock, type Timeline, type UploadResponse } from '../index.js';
import { messageOf } from '../core/errors.js';
import { formatBytes, logEvent, ui } from './dom.js';
import type { SessionContext } from './session-context.js';

/** Sending: the composer's text goes to the open conversation, optimistically. */
export function wireComposer(session: SessionContext): void {
  ui.composer.onsubmit = (event) => {
    event.preventDefault();
    const text = ui.composerInput.value.trim();
    if (session.current === null || text === '') return;
    ui.composerInput.value = '';
    session.subscriptions.add(session.current.send(text).subscribe({ error: (error: unknown) => logEvent(`send: ${messageOf(error)}`) }));
  };
}

/** Uploading: a file picked while a conversation is open is uploaded and sent there. */
export function wireUpload(session: SessionContext): void {
  ui.uploadInput.onchange = () => {
    const file = ui.uploadInput.files?.[0];
    const timeline = session.current;
    if (file === undefined || timeline === null) return;
    upload(session, file, timeline);
  };
}

/** The message block that shows an uploaded file. */
function fileBlockOf(upload: UploadResponse): FileBlock {
  return {
    $type: 'file',
    source: { storageKey: upload.storageKey },
    fileName: upload.fileName,
    mimeType: upload.contentType,
    fileSizeBytes: upload.fileSize,
  };
}

/** Sets the upload status line: its `data-state` and its text. */
function showUploadStatus(state: string, text: string): void {
  ui.uploadStatus.dataset.state = state;
  ui.uploadStatus.textContent = text;
}

/**
 * Uploads `file` with progress (the bar, and the status line counting the progress events), then
 * sends a file block to `timeline`; the status line ends saying how that went.
 */
function upload({ client, subscriptions }: SessionContext, file: File, timeline: Timeline): void {
  let progressEvents = 0;
  const events = (): string => `${progressEvents} progress event${progressEvents === 1 ? '' : 's'}`;
  ui.uploadProgress.value = 0;
  ui.uploadStatus.dataset.progressEvents = '0';
  showUploadStatus('uploading', `uploading ${file.name}…`);
  subscriptions.add(
    defer(() => client.files.uploadFile(file))
      .pipe(
        tap((event) => {
          if (event.type !== 'progress') return;
          progressEvents += 1;
          const total = event.total ?? file.size;
          const fraction = total > 0 ? Math.min(1, event.loaded / total) : 0;
          ui.uploadProgress.value = fraction;
          ui.uploadStatus.dataset.progressEvents = String(progressEvents);
          showUploadStatus('uploading', `${Math.round(fraction * 100)}% of ${formatBytes(total)} (${events()})`);
        }),
        filter(isUploadDone),
        switchMap((done) => timeline.send([fileBlockOf(done.response)]).pipe(map(() => done.response))),
      )
      .subscribe({
        next: (response) => showUploadStatus('done', `uploaded ${response.fileName} (${formatBytes(response.fileSize)}) after ${events()}`),
        error: (error: unknown) => showUploadStatus('error', `upload failed: ${messageOf(error)}`),
        complete: () => {
          ui.uploadInput.value = '';
        },
      }),
  );
}
