import { Body, Controller, Get, Param, Put, Query, Res } from '@nestjs/common';
import { JobArtifactView } from '@proctor/contracts';
import type { FastifyReply } from 'fastify';
import { artifactContentDisposition, artifactContentType } from './artifact-download-headers';
import { ArtifactService } from './artifact.service';

/** Signed artifact transfers: the agent uploads what its job produced, a client downloads it. */
@Controller('artifacts')
export class ArtifactController {
  constructor(private readonly artifacts: ArtifactService) {}

  /** `PUT /artifacts/<job>/<attempt>?path=&expires=&sig=`, an `application/octet-stream` body. */
  @Put(':jobId/:attempt')
  upload(
    @Param('jobId') jobId: string,
    @Param('attempt') attempt: string,
    @Query('path') path: unknown,
    @Query('expires') expires: unknown,
    @Query('sig') sig: unknown,
    @Body() content: Buffer | undefined,
  ): Promise<JobArtifactView> {
    return this.artifacts.upload({ jobId, attempt, path, expires, sig, content: content ?? Buffer.alloc(0) });
  }

  /** `GET /artifacts/<job>?path=&expires=&sig=`. */
  @Get(':jobId')
  async download(
    @Param('jobId') jobId: string,
    @Query('path') path: unknown,
    @Query('expires') expires: unknown,
    @Query('sig') sig: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const artifact = await this.artifacts.download({ jobId, path, expires, sig });
    void reply.headers({
      'Content-Type': artifactContentType(artifact.path),
      'Content-Disposition': artifactContentDisposition(artifact.path),
      'X-Content-Type-Options': 'nosniff',
    });
    return artifact.content;
  }
}
