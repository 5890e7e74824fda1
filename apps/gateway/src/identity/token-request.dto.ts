import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class TokenRequest {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @Length(1, 128)
  username: string;

  @ApiProperty({ example: 'admin123' })
  @IsString()
  @Length(1, 1024)
  password: string;
}
