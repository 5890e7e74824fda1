import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds, dense below 50 ms where Proctor's RPCs live. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One Prometheus registry per app (not prom-client's global one), so that several apps can run in
 * one process under test. Metrics are created once by name and shared by whoever asks.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly made = new Map<string, Counter<string> | Histogram<string> | Gauge<string>>();

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
    return this.getOrMake(name, () => new Counter({ name, help, labelNames, registers: [this.registry] })) as Counter<string>;
  }

  histogram(name: string, help: string, labelNames: string[] = [], buckets = LATENCY_BUCKETS): Histogram<string> {
    return this.getOrMake(
      name,
      () => new Histogram({ name, help, labelNames, buckets, registers: [this.registry] }),
    ) as Histogram<string>;
  }

  gauge(name: string, help: string, labelNames: string[] = []): Gauge<string> {
    return this.getOrMake(name, () => new Gauge({ name, help, labelNames, registers: [this.registry] })) as Gauge<string>;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  private getOrMake(name: string, make: () => Counter<string> | Histogram<string> | Gauge<string>) {
    let metric = this.made.get(name);
    if (!metric) {
      metric = make();
      this.made.set(name, metric);
    }
    return metric;
  }
}
