import { Controller, Get, Header, HttpStatus, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@proctor/auth';
import type { FastifyReply } from 'fastify';
import { MetricsService } from '../metrics/metrics.service';
import { ReadinessService } from './readiness.service';

/** `/healthz` (alive), `/readyz` (dependencies reachable), `/metrics` (Prometheus), on every app. */
@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly metrics: MetricsService,
  ) {}

  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() reply: FastifyReply) {
    const report = await this.readiness.report();
    await reply.status(report.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({
      status: report.ready ? 'ready' : 'not_ready',
      checks: report.checks,
    });
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText() {
    return this.metrics.render();
  }
}
