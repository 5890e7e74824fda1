import { ArgumentMetadata } from '@nestjs/common';
import { CreateAgentRequest } from '../agents/agent.dto';
import { ProctorError } from '../errors/proctor-error';
import { createValidationPipe } from './validation-pipe';

describe('createValidationPipe', () => {
  const meta: ArgumentMetadata = { type: 'body', metatype: CreateAgentRequest };

  it('answers validation_failed naming each bad field', async () => {
    const pipe = createValidationPipe();
    const error = await pipe.transform({ name: 'bad name!', labels: { a: 1 }, extra: true }, meta).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProctorError);
    expect((error as ProctorError).code).toBe('validation_failed');
    const fields = (error as ProctorError).details?.fields as Record<string, string[]>;
    expect(Object.keys(fields).sort()).toEqual(['extra', 'labels', 'name']);
  });

  it('passes a valid body through as an instance of its class', async () => {
    const value = await createValidationPipe().transform({ name: 'lab-agent-01' }, meta);
    expect(value).toBeInstanceOf(CreateAgentRequest);
    expect(value).toEqual({ name: 'lab-agent-01' });
  });
});
