import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@proctor/auth';

/** `GET /health` as seed 004 documents it (no credentials): the same answer as `/healthz`. */
@ApiTags('health')
@Public()
@Controller()
export class FleetHealthHttpController {
  @Get('health')
  @ApiOperation({ summary: 'Alive (as /healthz), kept for fleet clients of the former API' })
  health() {
    return { status: 'ok' };
  }
}
