import { DynamicModule, Module } from '@nestjs/common';
import { RpcClient } from '@proctor/messaging';
import type { JobsApiConfig } from '../gateway-config';
import { ServiceCaller } from '../http/service-caller';
import { JobLogStreams } from '../job-logs/job-log-streams';
import { JobLogsModule } from '../job-logs/job-logs.module';
import { CiServerHttpController } from './ci-server.http-controller';
import { JobsApi } from './jobs-api.service';
import { JobsServiceClient } from './jobs-service.client';
import { JobsHttpController } from './jobs.http-controller';
import { MAX_FORM_FIELD_BYTES } from './multipart-submission';

/** The CI API: seed 001's paths and `/v1/jobs`, submissions forwarded to the jobs service, logs streamed over SSE. */
@Module({})
export class JobsApiModule {
  static forRoot(options: { jobs: JobsApiConfig; rpcTimeoutMs: number }): DynamicModule {
    const { jobs } = options;
    return {
      module: JobsApiModule,
      imports: [JobLogsModule.forRoot({ sse: { keepAliveMs: jobs.sseKeepAliveMs, maxBufferedBytes: jobs.sseMaxBufferedBytes }, rpcTimeoutMs: options.rpcTimeoutMs })],
      controllers: [JobsHttpController, CiServerHttpController],
      providers: [
        { provide: JobsServiceClient, useValue: new JobsServiceClient(jobs) },
        {
          provide: JobsApi,
          inject: [RpcClient, JobsServiceClient, JobLogStreams],
          useFactory: (rpc: RpcClient, client: JobsServiceClient, streams: JobLogStreams) =>
            new JobsApi(new ServiceCaller(rpc, options.rpcTimeoutMs), client, streams, { maxArchiveBytes: jobs.maxArchiveBytes, maxFieldBytes: MAX_FORM_FIELD_BYTES }),
        },
      ],
    };
  }
}
