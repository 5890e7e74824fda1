import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An administrator of the public API; the password is kept only as a scrypt hash. */
@Entity({ name: 'admin_users' })
export class AdminUser {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  username: string;

  @Column({ type: 'text' })
  password_hash: string;

  @Column({ type: 'text', array: true, default: () => "'{admin}'" })
  roles: string[];

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updated_at: Date;
}
