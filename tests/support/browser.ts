import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { expect } from 'vitest'

// Debian's Chromium, driven by playwright-core (no browser download). The flags keep it from
// reaching for Google's services on a machine with a closed network.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
]

export const TABLET = { width: 1024, height: 768 }
export const PHONE = { width: 390, height: 844 }

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
}

/** A fresh browser context signed in as the agent, showing the inbox. */
export async function signedInAgent(
  browser: Browser,
  baseUrl: string,
  email: string,
  password: string,
  viewport = TABLET,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, baseURL: baseUrl })
  const page = await context.newPage()
  page.on('pageerror', (error) => console.error(`[${email}] page error:`, error.message))
  await page.goto('/')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('tab', { name: 'Open' }).waitFor()
  return { context, page }
}

/** Polls until the locator's text matches: the UI updates from Dexie asynchronously. */
export async function expectText(locator: ReturnType<Page['locator']>, pattern: RegExp, timeout = 10_000): Promise<void> {
  await locator.filter({ hasText: pattern }).first().waitFor({ timeout })
  expect(await locator.filter({ hasText: pattern }).count()).toBeGreaterThan(0)
}
