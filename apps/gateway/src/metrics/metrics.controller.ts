import cluster from 'node:cluster';
import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { EXPOSITION_CONTENT_TYPE, MetricsRegistry } from '@voxgate/metrics';
import type { FastifyReply } from 'fastify';
import { AdminGuard } from '../auth/admin.guard';
import { renderClusterMetrics } from './cluster-metrics';

/**
 * `GET /metrics`: the Prometheus scrape endpoint, behind the admin key (Prometheus sends it as a bearer
 * token; docs/observability.md shows the scrape config). Renders every family of this process's registry;
 * scrape-time samplings are bounded, so a scrape answers within about a second even when Redis hangs. In a
 * cluster worker (`server.workers` > 1) it answers for the whole group (`renderClusterMetrics`).
 */
@Controller()
@UseGuards(AdminGuard)
export class MetricsController {
  constructor(private readonly registry: MetricsRegistry) {}

  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    const text = cluster.isWorker ? await renderClusterMetrics(this.registry) : await this.registry.render();
    void reply.header('content-type', EXPOSITION_CONTENT_TYPE).send(text);
  }
}
