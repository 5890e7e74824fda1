import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ArtifactLinkRequest, IdRequest, JobsRpc } from '@proctor/contracts';
import { ArtifactService } from './artifact.service';

@Controller()
export class ArtifactMessageController {
  constructor(private readonly artifacts: ArtifactService) {}

  @MessagePattern(JobsRpc.Artifacts)
  list(@Payload() request: IdRequest) {
    return this.artifacts.list(request.id);
  }

  @MessagePattern(JobsRpc.ArtifactLink)
  link(@Payload() request: ArtifactLinkRequest) {
    return this.artifacts.link(request);
  }
}
