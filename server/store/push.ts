// Web Push: the deployment's VAPID key pair and each agent's browser subscriptions.

export interface VapidKeys {
  publicKey: string
  privateKey: string
}

export interface PushSubscriptionRecord {
  id: string
  accountId: string
  agentId: string
  /** The push service's URL for this browser; unique: one browser profile subscribes once per origin. */
  endpoint: string
  p256dh: string
  auth: string
  createdAt: number
}

export interface PushStore {
  /** The stored key pair, or `candidate` stored now if there is none: processes starting together on
   *  one database all end up with the first one written. */
  vapidKeys(candidate: VapidKeys, now: number): Promise<VapidKeys>
  /** Adds the subscription, or replaces the one of the same endpoint: the agent's own, or another
   *  agent's with the same auth secret (the same browser, now signed in as this agent). false: the
   *  endpoint is another agent's and the secret differs, nothing changed. A replaced row keeps its
   *  id: pushes queued for it go out with the new keys (the job checks the agent is still the same). */
  saveSubscription(subscription: PushSubscriptionRecord): Promise<boolean>
  /** Removes the agent's subscription of that endpoint; false if the agent has none there. */
  deleteSubscription(agentId: string, endpoint: string): Promise<boolean>
  /** Removes every subscription of the agent (signed out everywhere, deactivated). */
  deleteAgentSubscriptions(agentId: string): Promise<void>
  /** Removes a subscription the push service says is gone (404/410). */
  deleteSubscriptionById(id: string): Promise<void>
  getSubscription(id: string): Promise<PushSubscriptionRecord | null>
  listSubscriptions(agentId: string): Promise<PushSubscriptionRecord[]>
}
