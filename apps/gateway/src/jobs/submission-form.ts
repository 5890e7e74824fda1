import { CommonErrorCode, JobErrorCode, ProctorError } from '@proctor/contracts';
import { createHash, Hash } from 'node:crypto';

/** The multipart field that carries the project zip, as in the seed's `curl -F "file=@project.zip"`. */
export const ARCHIVE_FIELD = 'file';

export interface SubmissionFormLimits {
  maxArchiveBytes: number;
  maxFieldBytes: number;
}

/**
 * What came of the zip: its bytes went on to the jobs service as they arrived, so only its size
 * and its SHA-256 (which the submission signature binds) are kept.
 */
export interface ReceivedArchive {
  size: number;
  /** Hex. */
  sha256: string;
}

/** What a submission form holds: the zip and the text fields (the JobSpec keys, all strings; the jobs service reads them). */
export interface SubmissionForm {
  archive: ReceivedArchive;
  fields: Record<string, string>;
}

/**
 * Collects the parts of a submit form as they stream in, and decides at the end, once the request
 * has been read to its end (a refused upload is drained, not cut off): exactly one file, in
 * `file`, no larger than the limit (413 `job_archive_too_large` otherwise), and text fields given
 * once each and not truncated (400 `validation_failed` naming each bad one).
 */
export class SubmissionFormCollector {
  // No prototype: a field named like an Object method is just a field.
  private readonly fields: Record<string, string> = Object.create(null) as Record<string, string>;
  private readonly problems: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  private readonly archiveHash: Hash = createHash('sha256');
  private archiveBytes = 0;
  private archiveSeen = false;
  private archiveTooLarge = false;

  constructor(private readonly limits: SubmissionFormLimits) {}

  addField(name: string, value: string, truncated: boolean): void {
    if (name === ARCHIVE_FIELD) return this.problem(name, `${ARCHIVE_FIELD} must be a file (curl -F "${ARCHIVE_FIELD}=@project.zip")`);
    if (name in this.fields) return this.problem(name, `${name} is given more than once`);
    if (truncated) return this.problem(name, `${name} is longer than ${this.limits.maxFieldBytes} bytes`);
    this.fields[name] = value;
  }

  /** Whether the bytes of this file are wanted; the caller drains the others. */
  startFile(fieldName: string): boolean {
    if (fieldName !== ARCHIVE_FIELD) {
      this.problem(fieldName, `only ${ARCHIVE_FIELD} may be a file`);
      return false;
    }
    if (this.archiveSeen) {
      this.problem(fieldName, `${fieldName} is given more than once`);
      return false;
    }
    this.archiveSeen = true;
    return true;
  }

  /** Counts and hashes a chunk of the zip; false once the zip is over the limit (the chunk is not to be passed on). */
  addArchiveBytes(chunk: Buffer): boolean {
    if (this.archiveTooLarge) return false;
    this.archiveBytes += chunk.length;
    if (this.archiveBytes > this.limits.maxArchiveBytes) {
      this.markArchiveTooLarge();
      return false;
    }
    this.archiveHash.update(chunk);
    return true;
  }

  /** The upload was cut at the size limit by the parser. */
  markArchiveTooLarge(): void {
    this.archiveTooLarge = true;
  }

  /** The form, or the error that refuses it. */
  result(): SubmissionForm {
    if (this.archiveTooLarge) {
      throw new ProctorError(JobErrorCode.ArchiveTooLarge, `the archive is larger than ${this.limits.maxArchiveBytes} bytes`, { max_bytes: this.limits.maxArchiveBytes });
    }
    if (!this.archiveSeen && !this.problems[ARCHIVE_FIELD]) this.problem(ARCHIVE_FIELD, `a project zip is required as the multipart file field "${ARCHIVE_FIELD}"`);
    if (Object.keys(this.problems).length > 0) throw new ProctorError(CommonErrorCode.ValidationFailed, 'the submission form is not valid', { fields: { ...this.problems } });
    const archive = { size: this.archiveBytes, sha256: this.archiveHash.digest('hex') };
    return { archive, fields: { ...this.fields } };
  }

  private problem(field: string, message: string): void {
    (this.problems[field] ??= []).push(message);
  }
}
