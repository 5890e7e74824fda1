import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { ApiKey } from './api-key.entity';

@Injectable()
export class ApiKeyRepository {
  constructor(@InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>) {}

  /** The new key, or null when its name is taken. */
  async insert(row: Pick<ApiKey, 'name' | 'key_digest' | 'created_by'>): Promise<ApiKey | null> {
    try {
      return await this.keys.save(this.keys.create(row));
    } catch (e) {
      if (e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23505') return null;
      throw e;
    }
  }

  list(): Promise<ApiKey[]> {
    return this.keys.find({ order: { created_at: 'ASC', id: 'ASC' } });
  }

  findByDigest(keyDigest: string): Promise<Pick<ApiKey, 'name'> | null> {
    return this.keys.findOne({ select: { name: true }, where: { key_digest: keyDigest } });
  }

  /** The digest of the key deleted (so that caches can forget it), or null when there was none. */
  async delete(id: string): Promise<string | null> {
    const deleted = await this.keys.createQueryBuilder().delete().where('id = :id', { id }).returning(['key_digest']).execute();
    return (deleted.raw as Pick<ApiKey, 'key_digest'>[])[0]?.key_digest ?? null;
  }
}
