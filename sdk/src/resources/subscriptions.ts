import type { RequestOptions } from '../transport.js';
import type { CreatedSubscription, DeletedSubscription, DeliveryList, SubscriptionList, SubscriptionParams } from '../types.js';
import { APIResource, seg } from './resource.js';

export class Subscriptions extends APIResource {
  /**
   * Subscribe a URL to event types. The answer holds the signing `secret` once; keep it for `verifyWebhook`.
   * Not retried without an idempotency key, since a repeat would create a second subscription.
   */
  create(params: SubscriptionParams, options?: RequestOptions): Promise<CreatedSubscription> {
    return this.transport.request({ method: 'POST', path: '/v1/subscriptions', body: params }, options);
  }

  list(options?: RequestOptions): Promise<SubscriptionList> {
    return this.transport.request({ method: 'GET', path: '/v1/subscriptions' }, options);
  }

  delete(subscriptionId: string, options?: RequestOptions): Promise<DeletedSubscription> {
    return this.transport.request({ method: 'DELETE', path: `/v1/subscriptions/${seg(subscriptionId)}` }, options);
  }

  /** Delivery attempts of one subscription, for debugging a receiver. */
  deliveries(subscriptionId: string, options?: RequestOptions): Promise<DeliveryList> {
    return this.transport.request({ method: 'GET', path: `/v1/subscriptions/${seg(subscriptionId)}/deliveries` }, options);
  }
}
