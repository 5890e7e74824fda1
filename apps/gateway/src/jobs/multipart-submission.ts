import '@fastify/multipart';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import type { FastifyRequest } from 'fastify';
import { ARCHIVE_FIELD, SubmissionForm, SubmissionFormCollector, SubmissionFormLimits } from './submission-form';

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

/**
 * Reads a submit form to its end (a file over the limit is drained, not buffered) and gives the
 * zip and the text fields, or the error that refuses them.
 */
export async function readSubmissionForm(request: FastifyRequest, limits: SubmissionFormLimits): Promise<SubmissionForm> {
  if (!request.isMultipart()) {
    throw new ProctorError(CommonErrorCode.ValidationFailed, 'a submission is multipart/form-data', {
      fields: { [ARCHIVE_FIELD]: [`a project zip is required as the multipart file field "${ARCHIVE_FIELD}"`] },
    });
  }
  const form = new SubmissionFormCollector(limits);
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      form.addField(part.fieldname, typeof part.value === 'string' ? part.value : JSON.stringify(part.value), part.valueTruncated);
      continue;
    }
    const wanted = form.startFile(part.fieldname);
    for await (const chunk of part.file) {
      if (wanted) form.addArchiveBytes(chunk as Buffer);
    }
    if (wanted && part.file.truncated) form.markArchiveTooLarge();
  }
  return form.result();
}
