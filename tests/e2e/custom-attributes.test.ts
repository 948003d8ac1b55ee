import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { PHONE, TABLET, launchBrowser, signedInAgent } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts'

// Contact custom attributes (issue 12): an administrator defines them in Settings; an agent whose
// server is really cut off (a TCP proxy that drops every connection) edits them in the Customer
// panel, sees them waiting, reconnects; another agent then sees the values live.
describe('contact custom attributes', () => {
  let server: ServerProcess
  let browser: Browser
  let alice: Page
  let carol: Page
  let bobContext: BrowserContext
  let bob: Page
  let proxy: TcpProxy
  const vera = { email: 'vera.attributes@example.net', name: 'Vera Attributes' }

  const sync = (page: Page) => page.getByRole('status', { name: 'Sync status' })
  const panel = (page: Page) => page.getByRole('region', { name: 'Customer' })
  const shots = process.env.SCREENSHOTS_DIR

  async function openCustomer(page: Page) {
    await page.getByRole('link', { name: /Vera Attributes/ }).first().click()
    await page.getByRole('button', { name: 'Customer details' }).click()
    await panel(page).getByText(vera.email).waitFor()
  }

  beforeAll(async () => {
    server = await startServerProcess()
    await customerWrites(server, vera, 'Can we add more seats to our plan?')
    browser = await launchBrowser()
    alice = (await signedInAgent(browser, server.url, 'alice@example.com', 'demo-password')).page
    carol = (await signedInAgent(browser, server.url, 'carol@example.com', 'demo-password')).page
    const target = new URL(server.url)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) })
    // Bob reaches the server through the proxy only; cutting it is his network going away.
    bobContext = await browser.newContext({ viewport: TABLET })
    bob = await bobContext.newPage()
    await bob.goto(`${proxy.url}/`)
    await bob.getByLabel('Email').fill('bob@example.com')
    await bob.getByLabel('Password').fill('demo-password')
    await bob.getByRole('button', { name: 'Sign in' }).click()
    await sync(bob).getByText('Online').waitFor()
    await bob.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
  })

  afterAll(async () => {
    await browser?.close()
    await proxy?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('an administrator defines a checkbox VIP and a number Seats; agents have no Attributes section', async () => {
    await alice.goto('/settings/attributes')
    const form = alice.getByRole('form', { name: 'Add attribute' })
    for (const [label, type] of [
      ['VIP', 'Checkbox'],
      ['Seats', 'Number'],
      ['Renewal date', 'Date'],
      ['CRM record', 'Link'],
    ] as const) {
      await form.getByLabel('Label').fill(label)
      await form.getByLabel('Type').selectOption({ label: type })
      await form.getByRole('button', { name: 'Add attribute' }).click()
      await alice.getByRole('list', { name: 'Attributes' }).getByRole('listitem', { name: label }).waitFor()
    }
    expect(await alice.getByRole('listitem', { name: 'Seats' }).getByText('seats', { exact: true }).count()).toBe(1)
    expect(await alice.getByRole('listitem', { name: 'VIP' }).getByText('Checkbox').count()).toBe(1)
    await alice.getByText('they are no longer shown').first().waitFor()
    if (shots) {
      await alice.screenshot({ path: `${shots}/attributes-settings-tablet.png` })
      await alice.setViewportSize(PHONE)
      await alice.screenshot({ path: `${shots}/attributes-settings-phone.png`, fullPage: true })
      await alice.setViewportSize(TABLET)
    }

    await carol.goto('/settings')
    await carol.getByRole('tab', { name: 'Profile' }).waitFor()
    expect(await carol.getByRole('tab', { name: 'Attributes' }).count()).toBe(0)
    await carol.goto('/')
  })

  it('an agent offline edits both in the Customer panel and sees them waiting', async () => {
    await openCustomer(bob)
    // The definitions reached Bob's device through the directory entry.
    const vip = panel(bob).getByRole('checkbox', { name: 'VIP' })
    const seats = panel(bob).getByRole('spinbutton', { name: 'Seats' })
    await vip.waitFor()
    expect(await vip.isChecked()).toBe(false)

    proxy.cut()
    await sync(bob).getByText(/Offline/).waitFor()
    await vip.check()
    await seats.fill('25')
    await seats.press('Enter')
    await expect.poll(() => panel(bob).getByText('Waiting to sync').count()).toBe(2)
    expect(await vip.isChecked()).toBe(true)
    expect(await seats.inputValue()).toBe('25')
    if (shots) await bob.screenshot({ path: `${shots}/customer-attributes-waiting-tablet.png` })

    // Still on the device after a reload with no server.
    await bob.reload()
    await sync(bob).getByText(/Offline/).waitFor()
    await bob.getByRole('button', { name: 'Customer details' }).click()
    await expect.poll(() => panel(bob).getByRole('checkbox', { name: 'VIP' }).isChecked()).toBe(true)
    expect(await panel(bob).getByRole('spinbutton', { name: 'Seats' }).inputValue()).toBe('25')
    expect(await panel(bob).getByText('Waiting to sync').count()).toBe(2)
  })

  it('reconnected, the edits are sent and the other agent sees the values', async () => {
    await openCustomer(carol)
    expect(await panel(carol).getByRole('checkbox', { name: 'VIP' }).isChecked()).toBe(false)

    proxy.restore()
    await bob.evaluate(() => window.dispatchEvent(new Event('online')))
    await sync(bob).getByText('Online').waitFor({ timeout: 30_000 })
    await expect.poll(() => panel(bob).getByText('Waiting to sync').count(), { timeout: 30_000 }).toBe(0)

    await expect.poll(() => panel(carol).getByRole('checkbox', { name: 'VIP' }).isChecked(), { timeout: 30_000 }).toBe(true)
    await expect.poll(() => panel(carol).getByRole('spinbutton', { name: 'Seats' }).inputValue(), { timeout: 30_000 }).toBe('25')

    // Carol's edits reach Bob live; a link is shown as a link once saved.
    await panel(carol).getByRole('spinbutton', { name: 'Seats' }).fill('30')
    await panel(carol).getByRole('spinbutton', { name: 'Seats' }).press('Enter')
    await panel(carol).getByRole('button', { name: 'Edit CRM record' }).click()
    const crm = panel(carol).getByRole('textbox', { name: 'CRM record' })
    await crm.fill('javascript:alert(1)')
    await crm.press('Enter')
    await panel(carol).getByRole('alert').getByText('CRM record must be an http(s) link').waitFor()
    await crm.fill('https://crm.example.com/accounts/vera')
    await crm.press('Enter')
    await panel(carol).getByRole('link', { name: 'https://crm.example.com/accounts/vera' }).waitFor()
    await panel(carol).getByLabel('Renewal date').fill('2027-03-31')
    await panel(carol).getByLabel('Renewal date').press('Enter')
    await expect.poll(() => panel(bob).getByRole('spinbutton', { name: 'Seats' }).inputValue(), { timeout: 30_000 }).toBe('30')
    await panel(bob).getByRole('link', { name: 'https://crm.example.com/accounts/vera' }).waitFor({ timeout: 30_000 })
    await expect.poll(() => panel(bob).getByLabel('Renewal date').inputValue(), { timeout: 30_000 }).toBe('2027-03-31')
    expect(await panel(bob).getByRole('checkbox', { name: 'VIP' }).isChecked()).toBe(true)
    if (shots) {
      await carol.screenshot({ path: `${shots}/customer-attributes-tablet.png` })
      await carol.setViewportSize(PHONE)
      await carol.screenshot({ path: `${shots}/customer-attributes-phone.png` })
    }
  })
})
