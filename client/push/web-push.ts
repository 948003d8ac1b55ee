import type { PushKey } from '../../shared/schemas/push.ts'
import { api } from '../api/http.ts'

// This device's desktop notifications (issue 12): the Notification permission, the agent's choice
// (kept on the device: another device of theirs decides for itself), and the Web Push subscription
// that reaches it while the app is closed.

const CHOICE_KEY = 'inbox.desktopNotifications'

export type NotificationSetup =
  /** No Notification API or service worker here (an iPhone's browser tab, an old browser). */
  | 'unsupported'
  /** The agent (or a policy) blocked notifications for this site: only the browser's settings undo it. */
  | 'blocked'
  | 'off'
  /** On while the app is open; `push` says whether they also arrive while it is closed. */
  | 'on'

export const notificationsSupported = (): boolean =>
  typeof window !== 'undefined' && 'Notification' in window && 'serviceWorker' in navigator

/** Whether the agent turned them on here and the browser still allows them. */
export function desktopNotificationsOn(): boolean {
  return notificationsSupported() && Notification.permission === 'granted' && localStorage.getItem(CHOICE_KEY) === 'on'
}

export function currentSetup(): NotificationSetup {
  if (!notificationsSupported()) return 'unsupported'
  if (Notification.permission === 'denied') return 'blocked'
  return desktopNotificationsOn() ? 'on' : 'off'
}

const keyBytes = (base64url: string): Uint8Array<ArrayBuffer> => {
  const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(text, (c) => c.charCodeAt(0))
}

const sameKey = (a: ArrayBuffer | null, b: Uint8Array): boolean =>
  a !== null && a.byteLength === b.byteLength && new Uint8Array(a).every((byte, i) => byte === b[i])

/** The service worker's, once it is installed; null without Push API, or when no worker comes (a dev
 *  server, a failed install) rather than waiting forever. */
async function pushManager(): Promise<PushManager | null> {
  if (!('PushManager' in window)) return null
  const none = new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))
  return (await Promise.race([navigator.serviceWorker.ready, none]))?.pushManager ?? null
}

/**
 * Asks for the permission, then subscribes this browser with the server's key and hands the
 * subscription to the server. The permission alone is enough for notifications while the app is open;
 * a push service that refuses (a browser without one, a headless one) leaves them at that, and the
 * error says why push is off. Throws only when the permission is not given.
 */
export async function turnOn(): Promise<{ push: true } | { push: false; reason: string }> {
  const permission = await Notification.requestPermission()
  if (permission !== 'granted') throw new Error(permission === 'denied' ? 'Notifications are blocked for this site in the browser settings.' : 'Notifications were not allowed.')
  localStorage.setItem(CHOICE_KEY, 'on')
  try {
    const manager = await pushManager()
    if (!manager) return { push: false, reason: 'This browser cannot receive push messages.' }
    const key = keyBytes((await api<PushKey>('/api/push/key')).publicKey)
    let subscription = await manager.getSubscription()
    // Made with another server key (a new deployment): it would never receive ours.
    if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
      await subscription.unsubscribe()
      subscription = null
    }
    subscription ??= await manager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
    await api('/api/push/subscriptions', { method: 'POST', body: subscription.toJSON() })
    return { push: true }
  } catch (error) {
    return { push: false, reason: (error as Error).message || 'The push service did not answer.' }
  }
}

/** Stops both: the server forgets the subscription, the browser drops it. */
export async function turnOff(): Promise<void> {
  localStorage.removeItem(CHOICE_KEY)
  const subscription = await (await pushManager())?.getSubscription()
  if (!subscription) return
  await api('/api/push/subscriptions', { method: 'DELETE', body: { endpoint: subscription.endpoint } }).catch(() => undefined)
  await subscription.unsubscribe()
}

/** Whether this browser holds a push subscription now. */
export async function hasPushSubscription(): Promise<boolean> {
  if (!notificationsSupported()) return false
  return Boolean(await (await pushManager())?.getSubscription())
}

/**
 * Signing out: this browser stops receiving the agent's notifications (a shared computer must not
 * show the next person the last one's customers). Called while the session still stands, so the
 * server forgets the subscription too; never waits for a service worker that is not there.
 */
export async function forgetThisDevice(): Promise<void> {
  localStorage.removeItem(CHOICE_KEY)
  if (!notificationsSupported()) return
  const subscription = await (await navigator.serviceWorker.getRegistration())?.pushManager?.getSubscription()
  if (!subscription) return
  await api('/api/push/subscriptions', { method: 'DELETE', body: { endpoint: subscription.endpoint } }).catch(() => undefined)
  await subscription.unsubscribe()
}
