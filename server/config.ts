import path from 'node:path'
import { z } from 'zod'

// Configuration comes from the environment only (DESIGN §5); the README lists every variable.
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DEMO: z.enum(['0', '1']).default('1'),
  DATABASE_URL: z.string().optional(),
  REDIS_URL: z.string().optional(),
  /** Prefix of this service's Redis channels and keys, so that several services (or test files) can
   *  share one Redis without hearing each other. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - (at most 64)').default('inbox'),
  SESSION_DAYS: z.coerce.number().positive().default(30),
  /** How long a conversation doc stays in memory after its last connection closes. */
  DOC_IDLE_MS: z.coerce.number().int().nonnegative().default(30_000),
  STATIC_DIR: z.string().default('./dist'),
  /** Incoming mail for the Email inboxes' addresses (SMTP; 0 picks a free port). */
  SMTP_INBOUND_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  /** Incoming SMTP's bounds: connections at once (more are told 421), the largest mail (refused with
   *  552 as soon as it goes over, not after reading it all), and how long a silent connection lasts. */
  SMTP_MAX_CLIENTS: z.coerce.number().int().min(1).default(50),
  SMTP_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(50 * 1024 * 1024),
  SMTP_SOCKET_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  /** Where replies are sent (smtp:// or smtps://); unset, they are written to DATA_DIR/outbound-mail. */
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'an smtp:// or smtps:// URL').optional(),
  /** A fixed sender name for replies; unset, the agent's name. */
  MAIL_FROM_NAME: z.string().min(1).max(200).optional(),
  /** Webhook deliveries: attempts before a delivery fails, the first retry's scale (doubling, full
   *  jitter, at most an hour apart), and how long a receiver may take to answer. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(5_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  /** 1: webhooks may target private, loopback and link-local addresses (receivers inside your network). */
  WEBHOOK_ALLOW_PRIVATE: z.enum(['0', '1']).default('0'),
  /** Web Push's VAPID key pair (base64url, as `web-push generate-vapid-keys` prints them); unset, one is
   *  made on first use and kept in the database. The subject (mailto: or https:) is how a push service
   *  reaches the operator. */
  VAPID_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{87}$/, 'a base64url P-256 public key').optional(),
  VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a base64url P-256 private key').optional(),
  VAPID_SUBJECT: z.string().regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, 'a mailto: or https: URL').default('mailto:push@support-inbox.invalid'),
  /** Sending a reply by email: attempts before it is given up (and said in the timeline), and the
   *  first retry's scale (doubling, full jitter, at most 10 minutes apart). */
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(12),
  MAIL_RETRY_BASE_MS: z.coerce.number().int().min(1).default(1_000),
  /** How many reverse proxies in front of the server append to X-Forwarded-For (and set
   *  X-Forwarded-Proto); 0 (default): the headers are ignored and the socket's address is the client. */
  TRUST_PROXY: z
    .enum(['0', '1', '2', '3', '4', '5', 'false', 'true'], { message: 'a number of proxy hops (0-5), or true (= 1) / false (= 0)' })
    .default('0')
    .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v))),
  /** Failed sign-ins (and other password or code checks) allowed per client address and per email in
   *  a window; more are answered 429 until the window ends. An office behind one NAT address may need
   *  a higher per-address figure. */
  SIGN_IN_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
  SIGN_IN_FAILURES_PER_EMAIL: z.coerce.number().int().min(1).default(10),
  SIGN_IN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
})

export interface Config {
  port: number
  host: string
  dataDir: string
  demo: boolean
  databaseUrl: string | undefined
  redisUrl: string | undefined
  redisPrefix: string
  sessionMs: number
  docIdleMs: number
  staticDir: string
  smtpInboundPort: number
  smtpInbound: { maxClients: number; maxMessageBytes: number; socketTimeoutMs: number }
  smtpUrl: string | undefined
  mailFromName: string | undefined
  webhooks: { maxAttempts: number; retryBaseMs: number; timeoutMs: number; allowPrivate: boolean }
  /** Web Push: fixed VAPID keys (else kept in the database) and the subject. Push services are reached
   *  under the webhooks' address policy (webhooks.allowPrivate). */
  push: { vapid: { publicKey: string; privateKey: string } | null; subject: string }
  mailRetries: { maxAttempts: number; retryBaseMs: number }
  /** Reverse proxies trusted to set X-Forwarded-For / -Proto (server/http/client-address.ts). */
  trustProxy: number
  signInLimits: { perAddress: number; perEmail: number; windowSeconds: number }
}

export function configFromEnv(env: NodeJS.ProcessEnv): Config {
  const parsed = Env.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`Invalid configuration: ${problems}`)
  }
  const e = parsed.data
  if ((e.VAPID_PUBLIC_KEY === undefined) !== (e.VAPID_PRIVATE_KEY === undefined))
    throw new Error('Invalid configuration: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together or not at all')
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    demo: e.DEMO === '1',
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    sessionMs: e.SESSION_DAYS * 24 * 3600 * 1000,
    docIdleMs: e.DOC_IDLE_MS,
    staticDir: path.resolve(e.STATIC_DIR),
    smtpInboundPort: e.SMTP_INBOUND_PORT,
    smtpInbound: { maxClients: e.SMTP_MAX_CLIENTS, maxMessageBytes: e.SMTP_MAX_MESSAGE_BYTES, socketTimeoutMs: e.SMTP_SOCKET_TIMEOUT_MS },
    smtpUrl: e.SMTP_URL,
    mailFromName: e.MAIL_FROM_NAME,
    webhooks: {
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE === '1',
    },
    mailRetries: { maxAttempts: e.MAIL_MAX_ATTEMPTS, retryBaseMs: e.MAIL_RETRY_BASE_MS },
    push: {
      vapid: e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY } : null,
      subject: e.VAPID_SUBJECT,
    },
    trustProxy: e.TRUST_PROXY,
    signInLimits: {
      perAddress: e.SIGN_IN_FAILURES_PER_ADDRESS,
      perEmail: e.SIGN_IN_FAILURES_PER_EMAIL,
      windowSeconds: Math.round(e.SIGN_IN_WINDOW_MINUTES * 60),
    },
  }
}
