import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { WorkspaceService } from './workspace.service';

/** `GET /workspaces/<job>/<attempt>?expires=&sig=`: the agent running the job fetches its zip. */
@Controller('workspaces')
export class WorkspaceController {
  constructor(private readonly workspaces: WorkspaceService) {}

  @Get(':jobId/:attempt')
  async download(
    @Param('jobId') jobId: string,
    @Param('attempt') attempt: string,
    @Query('expires') expires: unknown,
    @Query('sig') sig: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const zip = await this.workspaces.download({ jobId, attempt, expires, sig });
    void reply.type('application/zip');
    return zip;
  }
}
