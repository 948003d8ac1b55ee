import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { describeViolations, seriousViolations } from '../support/axe.ts'
import { PHONE, TABLET, launchBrowser } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'

// axe-core over every screen an agent or a visitor meets, at the tablet size the app is designed for
// and at a phone's: sign-in, the inbox, a conversation in Reply and in Note mode, each section of
// Settings (read from the page, so a new section is checked too) and the website widget, opened, on
// the demo shop page. No serious or critical violation is allowed.

const VIEWPORTS = [
  { name: 'tablet', viewport: TABLET, mobile: false },
  { name: 'phone', viewport: PHONE, mobile: true },
]

describe('accessibility (axe-core: no serious or critical violations)', () => {
  let server: ServerProcess
  let browser: Browser
  let conversationId: string

  beforeAll(async () => {
    server = await startServerProcess()
    ;({ conversationId } = await customerWrites(server, { email: 'ada.axe@example.net', name: 'Ada Axe' }, 'Can I read your app with a screen reader?'))
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  for (const { name, viewport, mobile } of VIEWPORTS) {
    describe(`at ${name} size (${viewport.width}x${viewport.height})`, () => {
      let context: BrowserContext
      let page: Page
      const check = async (screen: string) => {
        const violations = await seriousViolations(page)
        expect(violations, describeViolations(`${screen} at ${name} size`, violations)).toEqual([])
      }

      beforeAll(async () => {
        // bypassCSP: axe is injected as a script, which the app's own policy rightly refuses.
        context = await browser.newContext({ viewport, baseURL: server.url, bypassCSP: true, hasTouch: mobile, isMobile: mobile })
        page = await context.newPage()
      })
      afterAll(() => context?.close())

      it('sign-in', async () => {
        await page.goto('/')
        await page.getByRole('button', { name: 'Sign in' }).waitFor()
        await check('sign-in')
      })

      it('inbox', async () => {
        await page.getByLabel('Email').fill('alice@example.com')
        await page.getByLabel('Password').fill('demo-password')
        await page.getByRole('button', { name: 'Sign in' }).click()
        await page.getByRole('tab', { name: 'Open' }).waitFor()
        await page.getByRole('link', { name: /Ada Axe/ }).waitFor()
        await check('inbox')
      })

      it('conversation, Reply tab', async () => {
        await page.goto(`/conversations/${conversationId}`)
        await page.getByRole('log', { name: 'Messages' }).getByText('Can I read your app').waitFor()
        await page.getByRole('textbox', { name: 'Reply message' }).waitFor()
        await check('conversation (Reply)')
      })

      it('conversation, Note tab', async () => {
        await page.getByRole('tab', { name: 'Note', exact: true }).click()
        await page.getByRole('textbox', { name: 'Internal note' }).waitFor()
        await check('conversation (Note)')
      })

      it('every section of Settings', async () => {
        await page.goto('/settings')
        const tabs = page.getByRole('tablist', { name: 'Settings sections' }).getByRole('tab')
        await tabs.first().waitFor()
        const titles = (await tabs.allTextContents()).map((t) => t.trim())
        // The administrator sees them all: Profile, Canned responses, Inboxes, Agents, Teams, Webhooks…
        expect(titles.length).toBeGreaterThanOrEqual(6)
        const failures: string[] = []
        for (const title of titles) {
          await tabs.filter({ hasText: title }).click()
          await page.getByRole('tabpanel', { name: title }).waitFor()
          // Sections load their lists from the device or the server: let them render before judging.
          await page.waitForLoadState('networkidle')
          const violations = await seriousViolations(page)
          if (violations.length > 0) failures.push(describeViolations(`Settings > ${title} at ${name} size`, violations))
        }
        expect(failures.join('\n')).toBe('')
      })

      it('the website widget, opened, on the demo shop page', async () => {
        await page.goto('/widget-demo')
        // From the keyboard, as on a phone in the widget's own test (a tap is a click there too).
        await page.getByRole('button', { name: 'Open chat' }).focus()
        await page.keyboard.press('Enter')
        await page.getByRole('dialog', { name: 'Chat' }).waitFor()
        await check('widget')
      })
    })
  }
})
