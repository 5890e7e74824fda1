import '@fastify/multipart';
import { CommonErrorCode, JobView, ProctorError } from '@proctor/contracts';
import type { FastifyRequest } from 'fastify';
import { ARCHIVE_FIELD, SubmissionFormCollector, SubmissionFormLimits } from './submission-form';

/** The most text fields a form may have: every JobSpec key fits many times over. */
export const MAX_FORM_FIELDS = 32;
export const MAX_FORM_FIELD_BYTES = 64 * 1024;

/** Limits of @fastify/multipart (registered in gateway-bootstrap): busboy enforces them while parsing. */
export function multipartLimits(maxArchiveBytes: number) {
  return {
    fileSize: maxArchiveBytes,
    // Two, so that a second file is refused by name (SubmissionFormCollector) rather than as a parser limit.
    files: 2,
    fields: MAX_FORM_FIELDS,
    fieldSize: MAX_FORM_FIELD_BYTES,
    fieldNameSize: 100,
    parts: MAX_FORM_FIELDS + 2,
    headerPairs: 100,
  };
}

/** Where the zip of a form goes while it is read: the jobs service (JobsServiceClient.openSubmission). */
export interface ArchiveSink {
  write(chunk: Buffer): Promise<void>;
  /** The form is complete and valid: the job as the jobs service queued it. */
  finish(fields: Record<string, string>, sha256: string): Promise<JobView>;
  /** The form is refused or cut off: nothing of it may be queued. */
  abort(): void;
}

/**
 * Reads a submit form to its end (a file over the limit is drained, not buffered), passing the
 * zip on to the sink opened for it as its bytes arrive, so that the jobs service receives it
 * while the client is still sending. Decides at the end, as if the form had been read first: a
 * refused form aborts the sink (the jobs service queues nothing without the signature that only
 * finish sends) and answers the form's own error, before any error of the sink.
 */
export async function forwardSubmissionForm(request: FastifyRequest, limits: SubmissionFormLimits, openSink: () => ArchiveSink): Promise<JobView> {
  if (!request.isMultipart()) {
    throw new ProctorError(CommonErrorCode.ValidationFailed, 'a submission is multipart/form-data', {
      fields: { [ARCHIVE_FIELD]: [`a project zip is required as the multipart file field "${ARCHIVE_FIELD}"`] },
    });
  }
  const form = new SubmissionFormCollector(limits);
  let sink: ArchiveSink | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        form.addField(part.fieldname, typeof part.value === 'string' ? part.value : JSON.stringify(part.value), part.valueTruncated);
        continue;
      }
      const target = form.startFile(part.fieldname) ? (sink = openSink()) : undefined;
      for await (const chunk of part.file) {
        if (target && form.addArchiveBytes(chunk as Buffer)) await target.write(chunk as Buffer);
      }
      if (target && part.file.truncated) form.markArchiveTooLarge();
    }
    const { fields, archive } = form.result();
    if (!sink) throw new Error('a valid form without its archive');
    return await sink.finish(fields, archive.sha256);
  } catch (e) {
    sink?.abort();
    throw e;
  }
}
