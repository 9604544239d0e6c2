import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inBody, inQuery } from '../../errors.js';
import { caller } from '../../plugins/auth.js';
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listDeliveries,
  listSubscriptions,
  replayDeadLetter,
  rotateSecret,
  SECRET_OVERLAP_DEFAULT_S,
} from '../../services/subscriptions.js';
import type { WebhookPolicy } from '../../services/delivery.js';
import { EMPTY_ALLOWLIST } from '../../domain/address.js';
import { absentBodyIsEmpty, Ref } from '../schemas.js';
import {
  CreatedSubscription,
  CreateSubscriptionBody,
  DeletedSubscription,
  Deliveries,
  DeliveriesQuery,
  ReplayParams,
  Replayed,
  RotateSecretBody,
  RotatedSecret,
  Subscription,
  SubscriptionList,
  SubscriptionListQuery,
  SubscriptionParams,
} from './schemas.js';
import { answerList, setNextLink } from '../paging.js';
import { PAGE_SIZES } from '../../defaults.js';

export interface SubscriptionRoutesOptions {
  /** where webhooks may go (YINGCHA_WEBHOOK_ALLOW); only public addresses when absent */
  webhooks?: WebhookPolicy | undefined;
}

const subscriptionRoutes: FastifyPluginAsyncTypebox<SubscriptionRoutesOptions> = async (app, opts) => {
  app.addSchema(Subscription);
  const policy: WebhookPolicy = opts.webhooks ?? { allow: EMPTY_ALLOWLIST };
  const db = () => app.yc.database.db;
  const config = { scope: 'check' as const };
  const tags = ['subscriptions'];

  app.post(
    '',
    {
      config,
      schema: {
        operationId: 'createSubscription',
        tags,
        summary: 'Subscribe a URL to events (webhook)',
        description:
          'Each matching event committed from now on is POSTed as `{ eventId, type, occurredAt, data }`, at least once and ' +
          'in commit order, signed in x-yingcha-signature (`t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`) with the ' +
          'secret returned here, which is shown only once. Failures are retried with exponential backoff; an event ' +
          'failing for longer than the horizon goes to dead-letter and can be replayed. The URL must reach a public ' +
          'address (by name, every address the name resolves to; checked here and again at each delivery): loopback, ' +
          'private, link-local, CGNAT, unique-local, multicast, reserved and documentation addresses answer ' +
          'FORBIDDEN_WEBHOOK_TARGET unless the operator opened them (YINGCHA_WEBHOOK_ALLOW). Redirects are not followed.',
        body: CreateSubscriptionBody,
        response: { 201: CreatedSubscription },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createSubscription(db(), caller(request), request.body, policy).catch(inBody)),
  );

  app.get(
    '',
    {
      config,
      schema: {
        operationId: 'listSubscriptions',
        tags,
        summary: "The caller's subscriptions (an admin sees all), oldest first",
        querystring: SubscriptionListQuery,
        response: { 200: SubscriptionList },
      },
    },
    async (request, reply) =>
      answerList(request, reply, 'subscriptions', PAGE_SIZES.lists, (q) => listSubscriptions(db(), caller(request), q)),
  );

  app.get(
    '/:id',
    {
      config,
      schema: {
        operationId: 'getSubscription',
        tags,
        summary: 'One subscription and its delivery state',
        params: SubscriptionParams,
        response: { 200: Ref(Subscription) },
      },
    },
    async (request) => getSubscription(db(), caller(request), request.params.id),
  );

  app.delete(
    '/:id',
    {
      config,
      schema: {
        operationId: 'deleteSubscription',
        tags,
        summary: 'Delete a subscription; delivery stops at once',
        description: "Another department's subscription answers NOT_FOUND unless the caller is an admin.",
        params: SubscriptionParams,
        response: { 200: DeletedSubscription },
      },
    },
    async (request) => {
      await deleteSubscription(db(), caller(request), request.params.id);
      return { subscriptionId: request.params.id, deleted: true };
    },
  );

  app.get(
    '/:id/deliveries',
    {
      config,
      schema: {
        operationId: 'listDeliveries',
        tags,
        summary: 'Delivery attempts and dead letters of a subscription',
        description:
          'Two lists, each paged by its own cursor: `attempts` newest first (pass `nextCursor` as `after`; the Link ' +
          'header names the same next page) and `deadLetters` by event id (pass `deadLettersNextCursor` as ' +
          '`deadLettersAfter`). Each array shows the page at its own cursor, the first one when the cursor is absent, ' +
          'and `limit` bounds each.',
        params: SubscriptionParams,
        querystring: DeliveriesQuery,
        response: { 200: Deliveries },
      },
    },
    async (request, reply) => {
      const { limit = PAGE_SIZES.lists.default, after, deadLettersAfter } = request.query;
      const page = await listDeliveries(db(), caller(request), request.params.id, {
        limit,
        after,
        deadLettersAfter,
      }).catch(inQuery);
      setNextLink(request, reply, page.nextCursor);
      return page;
    },
  );

  app.post(
    '/:id/deliveries/:eventId/replay',
    {
      config,
      schema: {
        operationId: 'replayDelivery',
        tags,
        summary: 'Queue a dead-lettered event for delivery again',
        description:
          'The event is sent ahead of the subscription’s queue. An event that is not a dead letter of this subscription is NOT_FOUND.',
        params: ReplayParams,
        response: { 202: Replayed },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await replayDeadLetter(db(), caller(request), request.params.id, request.params.eventId)),
  );

  app.post(
    '/:id/rotate-secret',
    {
      config,
      schema: {
        operationId: 'rotateSubscriptionSecret',
        tags,
        summary: 'Issue a new signing secret, keeping the previous one for an overlap',
        description:
          'The new secret is in this answer only. Until `previousSecretValidUntil` every delivery carries two signatures ' +
          '(`t=…,v1=<new>,v1=<previous>`), so a receiver can switch secrets without missing one; afterwards only the new ' +
          `one signs. overlapSeconds defaults to ${SECRET_OVERLAP_DEFAULT_S} (24 h); 0 retires the previous secret at ` +
          'once. Rotating again during an overlap retires the older secret.',
        params: SubscriptionParams,
        body: RotateSecretBody,
        response: { 200: RotatedSecret },
      },
      preValidation: absentBodyIsEmpty,
    },
    async (request, reply) =>
      reply
        .header('cache-control', 'no-store')
        .send(
          await rotateSecret(
            db(),
            caller(request),
            request.params.id,
            request.body?.overlapSeconds ?? SECRET_OVERLAP_DEFAULT_S,
          ),
        ),
  );
};

export default subscriptionRoutes;
