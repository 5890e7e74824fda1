import { DynamicModule, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { JwtSettings, JwtStrategy, TokenIssuer } from '@proctor/auth';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminUser } from './admin-user.entity';
import { AdminUserRepository } from './admin-user.repository';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';

export const ADMIN_CREDENTIALS = Symbol('ADMIN_CREDENTIALS');

/** Administrators, their bearer tokens, and the passport strategy that checks those tokens. */
@Module({})
export class IdentityModule implements OnApplicationBootstrap {
  static forRoot(options: { jwt: JwtSettings; admin: { username: string; password: string } }): DynamicModule {
    return {
      module: IdentityModule,
      imports: [TypeOrmModule.forFeature([AdminUser])],
      controllers: [AuthController],
      providers: [
        AdminUserRepository,
        AuthService,
        { provide: TokenIssuer, useValue: new TokenIssuer(options.jwt) },
        { provide: JwtStrategy, useValue: new JwtStrategy(options.jwt) },
        { provide: ADMIN_CREDENTIALS, useValue: options.admin },
      ],
    };
  }

  constructor(
    private readonly auth: AuthService,
    @Inject(ADMIN_CREDENTIALS) private readonly admin: { username: string; password: string },
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return this.auth.ensureAdmin(this.admin.username, this.admin.password);
  }
}
