import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';

/** Webhooks of finished jobs: owed in the finish's transaction, delivered signed and retried here. */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookDelivery])],
  providers: [WebhookDeliveryRepository, WebhookDeliverer],
  exports: [WebhookDeliveryRepository, WebhookDeliverer],
})
export class WebhookModule {}
