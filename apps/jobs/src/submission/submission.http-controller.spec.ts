import { SUBMISSION_HEADERS } from '@proctor/auth';
import { submissionHeader } from './submission.http-controller';

describe('submissionHeader', () => {
  const name = SUBMISSION_HEADERS.signature;

  it('takes a trailer before a header of the same name', () => {
    expect(submissionHeader(name, { [name]: 'from-header' }, { [name]: 'from-trailer' })).toBe('from-trailer');
  });

  it('falls back to the header when the body carried no trailers', () => {
    expect(submissionHeader(name, { [name]: 'from-header' }, {})).toBe('from-header');
  });

  it('is undefined when neither has it, or when a header is repeated', () => {
    expect(submissionHeader(name, {}, {})).toBeUndefined();
    expect(submissionHeader('set-cookie', { 'set-cookie': ['a', 'b'] }, {})).toBeUndefined();
  });
});
