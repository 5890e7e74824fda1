import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class CreateApiKeyRequest {
  @ApiProperty({ example: 'ci-main', description: 'names the client: jobs it submits say submitted_by "api-key:<name>"' })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'name must be 1 to 64 letters, digits, ".", "_" or "-"' })
  name: string;
}

export interface ApiKeyView {
  id: string;
  name: string;
  created_by: string;
  created_at: string;
}

/** The answer to a creation: the only time the key itself is shown. */
export interface CreatedApiKeyView extends ApiKeyView {
  key: string;
}
