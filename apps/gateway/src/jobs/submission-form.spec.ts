import { ProctorError } from '@proctor/contracts';
import { createHash } from 'node:crypto';
import { SubmissionFormCollector } from './submission-form';

const limits = { maxArchiveBytes: 10, maxFieldBytes: 100 };

function refusal(collector: SubmissionFormCollector): { code: string; details?: Record<string, unknown> } {
  try {
    collector.result();
  } catch (e) {
    return { code: (e as ProctorError).code, details: (e as ProctorError).details };
  }
  throw new Error('the form was accepted');
}

describe('SubmissionFormCollector', () => {
  it('gives the size of the zip and SHA-256 and the text fields as strings', () => {
    const form = new SubmissionFormCollector(limits);
    form.addField('image', 'busybox', false);
    expect(form.startFile('file')).toBe(true);
    expect(form.addArchiveBytes(Buffer.from('PK'))).toBe(true);
    expect(form.addArchiveBytes(Buffer.from('zip'))).toBe(true);
    form.addField('timeout_seconds', '60', false);
    const { archive, fields } = form.result();
    expect(fields).toEqual({ image: 'busybox', timeout_seconds: '60' });
    expect(archive).toEqual({ size: 5, sha256: createHash('sha256').update('PKzip').digest('hex') });
  });

  it('takes an archive of exactly the limit and refuses one byte more with job_archive_too_large', () => {
    const exact = new SubmissionFormCollector(limits);
    exact.startFile('file');
    exact.addArchiveBytes(Buffer.alloc(10));
    expect(exact.result().archive.size).toBe(10);

    const over = new SubmissionFormCollector(limits);
    over.startFile('file');
    expect(over.addArchiveBytes(Buffer.alloc(6))).toBe(true);
    expect(over.addArchiveBytes(Buffer.alloc(5))).toBe(false);
    expect(over.addArchiveBytes(Buffer.alloc(5))).toBe(false);
    expect(refusal(over)).toEqual({ code: 'job_archive_too_large', details: { max_bytes: 10 } });
  });

  it('refuses a form cut at the limit by the parser even when fewer bytes came through', () => {
    const form = new SubmissionFormCollector(limits);
    form.startFile('file');
    form.addArchiveBytes(Buffer.alloc(10));
    form.markArchiveTooLarge();
    expect(refusal(form).code).toBe('job_archive_too_large');
  });

  it('names file when no zip came', () => {
    const form = new SubmissionFormCollector(limits);
    form.addField('image', 'busybox', false);
    expect(refusal(form)).toEqual({ code: 'validation_failed', details: { fields: { file: [expect.stringContaining('"file"')] } } });
  });

  it('names every bad field: a second file, a file in another field, file as text, a repeated or truncated field', () => {
    const form = new SubmissionFormCollector(limits);
    expect(form.startFile('file')).toBe(true);
    expect(form.startFile('file')).toBe(false);
    expect(form.startFile('report')).toBe(false);
    form.addField('image', 'a', false);
    form.addField('image', 'b', false);
    form.addField('command', 'x'.repeat(100), true);
    const { code, details } = refusal(form);
    expect(code).toBe('validation_failed');
    expect(Object.keys((details as { fields: object }).fields).sort()).toEqual(['command', 'file', 'image', 'report']);

    const textFile = new SubmissionFormCollector(limits);
    textFile.addField('file', 'not a file', false);
    expect(refusal(textFile).details).toEqual({ fields: { file: [expect.stringContaining('must be a file')] } });
  });

  it('does not let a field name reach the prototype', () => {
    const form = new SubmissionFormCollector(limits);
    form.startFile('file');
    form.addField('toString', 'x', false);
    form.addField('toString', 'y', false);
    expect(refusal(form).details).toEqual({ fields: { toString: ['toString is given more than once'] } });
  });
});
