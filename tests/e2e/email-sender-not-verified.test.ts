import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, signedInAgent } from '../support/browser.ts'
import { sendMail } from '../support/email.ts'
import { removeDataDir, type ServerProcess, startServerProcess } from '../support/server-process.ts'

// An agent reading a mail whose From address is doubtful sees it said on the message (hardening
// issue, item 6): "Sender not verified", found by role and name as a person would.

describe('email from an unverified sender in the agent app', () => {
  let server: ServerProcess
  let browser: Browser
  let alice: Page

  const log = (page: Page) => page.getByRole('log', { name: 'Messages' })
  const open = async (page: Page, name: RegExp) => {
    await page.getByRole('link', { name }).first().click()
    await log(page).waitFor()
  }

  beforeAll(async () => {
    server = await startServerProcess()
    const smtpPort = Number(server.output().match(/receiving on SMTP [\d.]+:(\d+)/)?.[1])
    // The demo workspace's Email inbox is support@acme.test.
    await sendMail(smtpPort, {
      envelope: { from: 'bounce@mailer.evil.test', to: ['support@acme.test'] },
      from: 'Victor Verify <ceo@bank.test>',
      to: 'support@acme.test',
      subject: 'Urgent transfer',
      text: 'Wire the money today.',
    })
    await sendMail(smtpPort, { from: 'Tina Trusted <tina@bank.test>', to: 'support@acme.test', subject: 'Statement', text: 'Thanks for the statement.' })
    browser = await launchBrowser()
    alice = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('marks the doubtful mail, and only it', async () => {
    await open(alice, /Victor Verify/)
    const badge = log(alice).getByRole('note', { name: 'Sender not verified' })
    await badge.waitFor()
    expect(await badge.isVisible()).toBe(true)
    expect(await log(alice).getByText('Wire the money today.').isVisible()).toBe(true)

    await open(alice, /Tina Trusted/)
    await log(alice).getByText('Thanks for the statement.').waitFor()
    expect(await log(alice).getByRole('note', { name: 'Sender not verified' }).count()).toBe(0)
  })
})
