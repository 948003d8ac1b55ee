import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { TABLET, launchBrowser } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'

// The built app runs under its strict Content-Security-Policy (no inline script) with nothing refused:
// sign-in, the feed socket's live push, a conversation room, a reply; and the widget on its demo page.

/** Every CSP violation a page reports, from the event the browser fires for it. */
async function watchedContext(browser: Browser, violations: string[]): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: TABLET })
  await context.exposeFunction('reportCspViolation', (text: string) => violations.push(text))
  // Injected by the DevTools protocol, not by the page, so the policy under test does not apply to it.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      ;(window as unknown as { reportCspViolation(text: string): void }).reportCspViolation(`${e.violatedDirective} ${e.blockedURI}`)
    })
  })
  return context
}

const watchConsole = (page: Page, violations: string[]) =>
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
  })

describe('the app under its Content-Security-Policy', () => {
  let server: ServerProcess
  let browser: Browser
  const violations: string[] = []

  beforeAll(async () => {
    server = await startServerProcess()
    browser = await launchBrowser()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('serves the built shell with the policy and without any inline script', async () => {
    const response = await fetch(`${server.url}/`)
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toMatch(/script-src 'self'(;|$)/)
    expect(csp).toContain("frame-ancestors 'none'")
    const html = await response.text()
    expect(html).toBe(readFileSync(new URL('../../dist/index.html', import.meta.url), 'utf8'))
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)]
    expect(scripts.length).toBeGreaterThan(0)
    for (const [tag, body] of scripts) {
      expect(tag).toMatch(/\bsrc=/)
      expect(body!.trim()).toBe('')
    }
    // No inline event handlers either (they are inline script too).
    expect(html).not.toMatch(/\son[a-z]+\s*=/i)
  })

  it('signs in, receives a live push, opens a conversation and replies, with nothing refused', async () => {
    const context = await watchedContext(browser, violations)
    const page = await context.newPage()
    watchConsole(page, violations)
    await page.goto(server.url)
    await page.getByLabel('Email').fill('alice@example.com')
    await page.getByLabel('Password').fill('demo-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('tab', { name: 'Open' }).waitFor()

    // Arrives by the feed socket: the WebSocket to this origin is allowed.
    await customerWrites(server, { email: 'csp@example.net', name: 'Cora Policy' }, 'Does the policy let this through?')
    await page.getByRole('link', { name: /Cora Policy/ }).click()
    const log = page.getByRole('log', { name: 'Messages' })
    await log.getByText('let this through').waitFor()
    await page.getByRole('textbox', { name: 'Reply message' }).fill('It does.')
    await page.getByRole('textbox', { name: 'Reply message' }).press('Enter')
    await log.getByText('It does.').waitFor()
    await context.close()
    expect(violations).toEqual([])
  })

  it('shows the widget on the demo page under that page’s own policy, with nothing refused', async () => {
    const context = await watchedContext(browser, violations)
    const page = await context.newPage()
    watchConsole(page, violations)
    const response = await page.goto(`${server.url}/widget-demo`)
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")
    await page.getByRole('button', { name: 'Open chat' }).click()
    await page.getByRole('dialog', { name: 'Chat' }).getByRole('textbox', { name: 'Message' }).waitFor()
    await context.close()
    expect(violations).toEqual([])
  })
})
