import { type BrowserContext, type Page, chromium } from 'playwright-core'
import { DEMO_EMAIL, DEMO_PASSWORD } from './demo-agent.ts'

// Debian's Chromium, headless, in a persistent profile: IndexedDB is only measured on disk (DESIGN §8).
// The flags keep it from reaching for Google's services.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync']
/** A tablet, as the e2e tests use. */
export const VIEWPORT = { width: 1024, height: 768 }

export function launchProfile(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: VIEWPORT })
}

/** Fills the sign-in form; the click is left to the caller, who times from it. */
export async function fillSignIn(page: Page): Promise<void> {
  await page.getByLabel('Email').fill(DEMO_EMAIL)
  await page.getByLabel('Password').fill(DEMO_PASSWORD)
}

export const signInButton = (page: Page) => page.getByRole('button', { name: 'Sign in' })

/** Page errors and console errors or warnings, for the end of the report (at most 30 kept). */
export function watchPage(page: Page, sink: string[], label: string): void {
  const keep = (line: string) => {
    if (sink.length < 30) sink.push(`${label}: ${line}`)
  }
  page.on('pageerror', (error) => keep(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') keep(`console.${message.type()}: ${message.text()}`)
  })
}

/** The persistent context opens with one blank page; the bench works in its own. */
export async function freshPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage()
  for (const other of context.pages()) if (other !== page) await other.close()
  return page
}
