import { Injectable, Logger } from '@nestjs/common';
import { hashSecret, IssuedToken, TokenIssuer, verifySecret } from '@proctor/auth';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import { AdminUserRepository } from './admin-user.repository';

// Compared against when the user does not exist, so that an unknown name costs the same time.
const ABSENT_USER_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: AdminUserRepository,
    private readonly tokens: TokenIssuer,
  ) {}

  async issueToken(username: string, password: string): Promise<IssuedToken> {
    const user = await this.users.findByUsername(username);
    const valid = await verifySecret(password, user?.password_hash ?? ABSENT_USER_HASH);
    if (!user || !valid) {
      this.logger.warn({ msg: 'token refused', username });
      throw new ProctorError(CommonErrorCode.Unauthorized, 'unknown user or wrong password');
    }
    return this.tokens.issue({ subject: user.username, roles: user.roles });
  }

  /** Makes the configured administrator exist with the configured password (stored hashed). */
  async ensureAdmin(username: string, password: string): Promise<void> {
    const existing = await this.users.findByUsername(username);
    if (existing && (await verifySecret(password, existing.password_hash))) return;
    await this.users.upsertPassword(username, await hashSecret(password));
    this.logger.log({ msg: existing ? 'admin password updated from the environment' : 'admin user created', username });
  }
}
