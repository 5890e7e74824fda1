import { Inject, Injectable, Logger } from '@nestjs/common';
import { secretDigest } from '@proctor/auth';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import { ApiKeyCache } from './api-key-cache';
import { ApiKey } from './api-key.entity';
import { ApiKeyView, CreatedApiKeyView } from './api-key.dto';
import { ApiKeyRepository } from './api-key.repository';
import { newApiKey } from './api-key-secret';

export interface ApiKeysOptions {
  /**
   * How long a key found in Postgres is trusted without asking again (API_KEY_CACHE_TTL_MS, 0: not
   * cached): a key deleted through another gateway replica stops working on this one within this
   * time (on the replica that deleted it, at once). Short, because revoking is how a leaked key is stopped.
   */
  cacheTtlMs: number;
}

export const API_KEYS_OPTIONS = Symbol('API_KEYS_OPTIONS');
/** Keys kept at most; a CI installation has far fewer clients. */
const API_KEY_CACHE_SIZE = 10_000;

/** API keys of CI clients: created by an admin (the key shown once), listed, revoked by deletion. */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly cache: ApiKeyCache;

  constructor(
    private readonly keys: ApiKeyRepository,
    @Inject(API_KEYS_OPTIONS) options: ApiKeysOptions,
  ) {
    this.cache = new ApiKeyCache(options.cacheTtlMs, API_KEY_CACHE_SIZE);
  }

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
    const digest = await this.keys.delete(id);
    if (digest === null) throw new ProctorError(CommonErrorCode.NotFound, `no API key with id ${id}`, { id });
    this.cache.revoked(digest);
    this.logger.log({ msg: 'API key revoked', id, revoked_by: revokedBy });
  }

  /** The name of the client holding `key`, or null; cached as API_KEY_CACHE_TTL_MS says. */
  async nameOf(key: string): Promise<string | null> {
    const digest = secretDigest(key);
    const cached = this.cache.nameOf(digest);
    if (cached !== undefined) return cached;
    const started = this.cache.lookupStarted();
    const name = (await this.keys.findByDigest(digest))?.name ?? null;
    if (name !== null) this.cache.remember(digest, name, started);
    return name;
  }
}

function toApiKeyView(row: ApiKey): ApiKeyView {
  return { id: row.id, name: row.name, created_by: row.created_by, created_at: row.created_at.toISOString() };
}
