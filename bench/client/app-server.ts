import { type Script, startScript, stopScript, waitForLine } from './processes.ts'

export interface AppServer {
  url: string
  pid: number
  /** Everything it printed, for the end of the report. */
  output: string[]
  stop(): Promise<void>
}

/** The real server, as `node --import tsx server/main.ts` on 127.0.0.1 with the demo workspace. */
export async function startAppServer(dataDir: string, staticDir: string): Promise<AppServer> {
  const env = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO: '1', SMTP_INBOUND_PORT: '0', STATIC_DIR: staticDir }
  const script: Script = startScript([process.execPath, '--import', 'tsx', 'server/main.ts'], env)
  try {
    const match = await waitForLine(script, /Support inbox is running at (http:\/\/127\.0\.0\.1:\d+)/, 120_000, 'server/main.ts')
    return { url: match[1]!, pid: script.child.pid!, output: script.output, stop: () => stopScript(script) }
  } catch (error) {
    await stopScript(script)
    throw error
  }
}
