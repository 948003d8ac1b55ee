import { configFromEnv } from './config.ts'
import { startServer } from './start.ts'
import { DEMO_PASSWORD } from './demo/seed.ts'

const DEMO_AGENT = 'alice@example.com'

const config = configFromEnv(process.env)
const server = await startServer(config)

if (server.demo) {
  console.log('Demo workspace created. Sign in as any of:')
  for (const email of server.demo.agentEmails) console.log(`  ${email}  password: ${server.demo.password}`)
  console.log(`API channel inbox token (POST /api/channels/api/messages): ${server.demo.apiInboxToken}`)
} else if (await server.ctx.store.findAgentByEmail(DEMO_AGENT)) {
  // The inbox token was shown once, when the workspace was created; only its hash is stored.
  console.log(`Demo workspace: sign in as ${DEMO_AGENT} (or bob@, carol@) with password ${DEMO_PASSWORD}`)
}
console.log(server.ctx.email.describe())
// Printed last: scripts and tests wait for this line.
console.log(`Support inbox is running at ${server.url}  (data: ${config.dataDir})`)

let stopping = false
const stop = async (signal: string) => {
  if (stopping) return
  stopping = true
  console.log(`${signal}: stopping`)
  await server.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop('SIGINT'))
process.on('SIGTERM', () => void stop('SIGTERM'))
