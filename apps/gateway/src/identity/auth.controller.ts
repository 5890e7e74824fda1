import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@proctor/auth';
import { AuthService } from './auth.service';
import { TokenRequest } from './token-request.dto';

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange admin credentials for a short-lived bearer token' })
  token(@Body() body: TokenRequest) {
    return this.auth.issueToken(body.username, body.password);
  }
}
