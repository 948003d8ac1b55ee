import type { PushSubscriptionRecord } from './push.ts'

// The push_subscriptions row, the same on both backends.
export interface PushSubscriptionColumns {
  id: string
  account_id: string
  agent_id: string
  endpoint: string
  p256dh: string
  auth: string
  created_at: number
}

export const toPushSubscription = (r: PushSubscriptionColumns): PushSubscriptionRecord => ({
  id: r.id,
  accountId: r.account_id,
  agentId: r.agent_id,
  endpoint: r.endpoint,
  p256dh: r.p256dh,
  auth: r.auth,
  createdAt: r.created_at,
})
