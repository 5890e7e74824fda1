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

  /** Whether a key was deleted. */
  async delete(id: string): Promise<boolean> {
    return ((await this.keys.delete({ id })).affected ?? 0) > 0;
  }
}
