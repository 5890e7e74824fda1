import { Injectable, Logger } from '@nestjs/common';
import { secretDigest } from '@proctor/auth';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import { ApiKey } from './api-key.entity';
import { ApiKeyView, CreatedApiKeyView } from './api-key.dto';
import { ApiKeyRepository } from './api-key.repository';
import { newApiKey } from './api-key-secret';

/** API keys of CI clients: created by an admin (the key shown once), listed, revoked at once by deletion. */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(private readonly keys: ApiKeyRepository) {}

  async create(name: string, createdBy: string): Promise<CreatedApiKeyView> {
    const key = newApiKey();
    const row = await this.keys.insert({ name, key_digest: secretDigest(key), created_by: createdBy });
    if (!row) throw new ProctorError(CommonErrorCode.Conflict, `an API key named ${name} exists`, { name });
    this.logger.log({ msg: 'API key created', name, created_by: createdBy });
    return { ...toApiKeyView(row), key };
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.keys.list()).map(toApiKeyView);
  }

  async revoke(id: string, revokedBy: string): Promise<void> {
    if (!(await this.keys.delete(id))) throw new ProctorError(CommonErrorCode.NotFound, `no API key with id ${id}`, { id });
    this.logger.log({ msg: 'API key revoked', id, revoked_by: revokedBy });
  }

  /**
   * The name of the client holding `key`, or null. Looked up on every request, never cached, so
   * that a revoked key stops working at once on every gateway.
   */
  async nameOf(key: string): Promise<string | null> {
    return (await this.keys.findByDigest(secretDigest(key)))?.name ?? null;
  }
}

function toApiKeyView(row: ApiKey): ApiKeyView {
  return { id: row.id, name: row.name, created_by: row.created_by, created_at: row.created_at.toISOString() };
}
