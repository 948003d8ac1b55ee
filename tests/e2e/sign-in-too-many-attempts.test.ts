import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { TABLET, launchBrowser } from '../support/browser.ts'
import { removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'

// The sign-in page says when to try again once the attempts for an email are used up (429).

describe('sign-in page after too many attempts', () => {
  let server: ServerProcess
  let browser: Browser

  beforeAll(async () => {
    // Two failures per email, so the test needs only two slow password checks.
    server = await startServerProcess({ env: { SIGN_IN_FAILURES_PER_EMAIL: '2' } })
    browser = await launchBrowser()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('says "Too many attempts. Try again in 15 minutes." where the wrong-password message was', async () => {
    const context = await browser.newContext({ viewport: TABLET })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.getByLabel('Email').fill('bob@example.com')
    const alert = page.getByRole('alert')
    for (let i = 0; i < 2; i++) {
      await page.getByLabel('Password').fill(`wrong-${i}`)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await alert.filter({ hasText: 'Wrong email or password.' }).waitFor()
      await page.getByRole('button', { name: 'Sign in' }).and(page.locator(':enabled')).waitFor()
    }
    // Even the right password is turned away now, and the page says for how long.
    await page.getByLabel('Password').fill('demo-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await alert.filter({ hasText: 'Too many attempts. Try again in 15 minutes.' }).waitFor()
    expect(await alert.isVisible()).toBe(true)
    expect(page.url()).toContain('/sign-in')
    await context.close()
  })
})
