import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AdminUser } from './admin-user.entity';

@Injectable()
export class AdminUserRepository {
  constructor(@InjectRepository(AdminUser) private readonly users: Repository<AdminUser>) {}

  findByUsername(username: string): Promise<AdminUser | null> {
    return this.users.findOneBy({ username });
  }

  async upsertPassword(username: string, passwordHash: string): Promise<void> {
    await this.users.query(
      `INSERT INTO admin_users (username, password_hash) VALUES ($1, $2)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()`,
      [username, passwordHash],
    );
  }
}
