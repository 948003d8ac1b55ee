import { z } from 'zod'

// Web Push (issue 12): the browser's PushSubscription as the app posts it, and the message the
// service worker shows. The keys are base64url without padding (what PushSubscription.toJSON gives).

const base64url = (bytes: number) => z.string().regex(/^[A-Za-z0-9_-]+$/, 'base64url').length(Math.ceil((bytes * 4) / 3))

export const PushSubscriptionJson = z.object({
  endpoint: z.url({ protocol: /^https?$/ }).max(2048),
  expirationTime: z.number().int().nullable().optional(),
  keys: z.object({
    /** The browser's P-256 public key, uncompressed (65 bytes). */
    p256dh: base64url(65),
    /** The shared authentication secret (16 bytes). */
    auth: base64url(16),
  }),
})
export type PushSubscriptionJson = z.infer<typeof PushSubscriptionJson>

export const PushEndpoint = z.object({ endpoint: z.url({ protocol: /^https?$/ }).max(2048) })

export const PushKey = z.object({
  /** The deployment's VAPID public key (base64url, uncompressed P-256): pushManager.subscribe's applicationServerKey. */
  publicKey: z.string(),
})
export type PushKey = z.infer<typeof PushKey>

/** What a push carries and the service worker shows: `tag` is the notification's id, so the same
 *  notification delivered by the socket and by a push replaces itself instead of showing twice. */
export const PushMessage = z.object({
  title: z.string().min(1).max(200),
  body: z.string().max(1000),
  /** A path of the app ("/conversations/…"), opened when the notification is clicked. */
  url: z.string().regex(/^\/(?!\/)/, 'a path of the app').max(500),
  tag: z.string().min(1).max(100),
})
export type PushMessage = z.infer<typeof PushMessage>
