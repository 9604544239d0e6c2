import type { APIPromise, PagePromise, RequestOptions } from '../transport.js';
import type {
  CreatedSubscription,
  DeadLetter,
  DeletedSubscription,
  DeliveriesQuery,
  DeliveryAttempt,
  DeliveryList,
  ReplayedDelivery,
  Subscription,
  SubscriptionList,
  SubscriptionListQuery,
  RequestBody,
  ResponseBody,
  SubscriptionParams,
} from '../types.js';
import { APIResource, seg } from './resource.js';

export class Subscriptions extends APIResource {
  /**
   * Subscribe a URL to event types. The answer holds the signing `secret` this once; keep it for `verifyWebhook`.
   * Not retried without an idempotency key, since a repeat would create a second subscription.
   */
  create(params: SubscriptionParams, options?: RequestOptions): APIPromise<CreatedSubscription> {
    return this.transport.request({ method: 'POST', path: '/v1/subscriptions', body: params }, options);
  }

  /** Awaited: the first page (oldest first); `for await`: every subscription, page after page. */
  list(query: SubscriptionListQuery = {}, options: RequestOptions = {}): PagePromise<SubscriptionList, Subscription> {
    return this.pages('/v1/subscriptions', query, options, (page: SubscriptionList) => page.subscriptions);
  }

  /** One subscription with its delivery state (delivered, failing since, dead letters). */
  get(subscriptionId: string, options?: RequestOptions): APIPromise<Subscription> {
    return this.transport.request({ method: 'GET', path: `/v1/subscriptions/${seg(subscriptionId)}` }, options);
  }

  delete(subscriptionId: string, options?: RequestOptions): APIPromise<DeletedSubscription> {
    return this.transport.request({ method: 'DELETE', path: `/v1/subscriptions/${seg(subscriptionId)}` }, options);
  }

  /**
   * Delivery attempts (newest first) and dead letters, for debugging a receiver. Awaited: the first page of both;
   * `for await`: every attempt, page after page (`nextCursor`). The dead letters page by their own cursor: see
   * `deadLetters`.
   */
  deliveries(
    subscriptionId: string,
    query: DeliveriesQuery = {},
    options: RequestOptions = {},
  ): PagePromise<DeliveryList, DeliveryAttempt> {
    return this.transport.list<DeliveryList, DeliveryAttempt>(
      this.deliveriesCall(subscriptionId, query),
      options,
      (page) => page.attempts,
    );
  }

  /** The same answers as `deliveries`; `for await`: every dead letter by event id, page after page (`deadLettersNextCursor`). */
  deadLetters(
    subscriptionId: string,
    query: DeliveriesQuery = {},
    options: RequestOptions = {},
  ): PagePromise<DeliveryList, DeadLetter> {
    return this.transport.list<DeliveryList, DeadLetter>(
      this.deliveriesCall(subscriptionId, query),
      options,
      (page) => page.deadLetters,
      {
        param: 'deadLettersAfter',
        of: (page) => page.deadLettersNextCursor,
      },
    );
  }

  private deliveriesCall(subscriptionId: string, query: DeliveriesQuery) {
    return { method: 'GET', path: `/v1/subscriptions/${seg(subscriptionId)}/deliveries`, query } as const;
  }

  /**
   * Queue a dead-lettered event for delivery again, ahead of the queue. Retried like a GET: a repeat can at most
   * queue one more delivery, and delivery is at least once anyway (receivers dedupe on `eventId`).
   */
  /**
   * A new signing secret (in the answer, this once). Until `previousSecretValidUntil` (`overlapSeconds`, default 24 h)
   * deliveries carry a `v1=` for each secret, so pass both to `verifyWebhook({ secret: [next, previous] })` while you
   * switch. Not retried without an idempotency key: a repeat would rotate again and retire the secret just issued.
   */
  rotateSecret(
    subscriptionId: string,
    params: RequestBody<'rotateSubscriptionSecret'> = {},
    options?: RequestOptions,
  ): APIPromise<ResponseBody<'rotateSubscriptionSecret'>> {
    return this.transport.request(
      { method: 'POST', path: `/v1/subscriptions/${seg(subscriptionId)}/rotate-secret`, body: params },
      options,
    );
  }

  replay(subscriptionId: string, eventId: string, options?: RequestOptions): APIPromise<ReplayedDelivery> {
    return this.transport.request(
      {
        method: 'POST',
        path: `/v1/subscriptions/${seg(subscriptionId)}/deliveries/${seg(eventId)}/replay`,
        idempotent: true,
      },
      options,
    );
  }
}
