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
  SESSION_DAYS: z.coerce.number().positive().default(30),
  /** How long a conversation doc stays in memory after its last connection closes. */
  DOC_IDLE_MS: z.coerce.number().int().nonnegative().default(30_000),
  STATIC_DIR: z.string().default('./dist'),
  /** Incoming mail for the Email inboxes' addresses (SMTP; 0 picks a free port). */
  SMTP_INBOUND_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  /** Where replies are sent (smtp:// or smtps://); unset, they are written to DATA_DIR/outbound-mail. */
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'an smtp:// or smtps:// URL').optional(),
  /** A fixed sender name for replies; unset, the agent's name. */
  MAIL_FROM_NAME: z.string().min(1).max(200).optional(),
  /** Webhook deliveries: attempts before a delivery fails, the first retry's scale (doubling, full
   *  jitter, at most an hour apart), and how long a receiver may take to answer. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(5_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
})

export interface Config {
  port: number
  host: string
  dataDir: string
  demo: boolean
  databaseUrl: string | undefined
  redisUrl: string | undefined
  sessionMs: number
  docIdleMs: number
  staticDir: string
  smtpInboundPort: number
  smtpUrl: string | undefined
  mailFromName: string | undefined
  webhooks: { maxAttempts: number; retryBaseMs: number; timeoutMs: number }
}

export function configFromEnv(env: NodeJS.ProcessEnv): Config {
  const parsed = Env.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`Invalid configuration: ${problems}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    demo: e.DEMO === '1',
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    sessionMs: e.SESSION_DAYS * 24 * 3600 * 1000,
    docIdleMs: e.DOC_IDLE_MS,
    staticDir: path.resolve(e.STATIC_DIR),
    smtpInboundPort: e.SMTP_INBOUND_PORT,
    smtpUrl: e.SMTP_URL,
    mailFromName: e.MAIL_FROM_NAME,
    webhooks: { maxAttempts: e.WEBHOOK_MAX_ATTEMPTS, retryBaseMs: e.WEBHOOK_RETRY_BASE_MS, timeoutMs: e.WEBHOOK_TIMEOUT_MS },
  }
}
