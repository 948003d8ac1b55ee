import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { describeViolations, seriousViolations } from '../support/axe.ts'
import { TABLET, launchBrowser } from '../support/browser.ts'
import { customerWrites, removeDataDir, startServerProcess, type ServerProcess } from '../support/server-process.ts'

// A team adopts the product (issue 9): from an empty database (DEMO=0), the first administrator
// sets up the workspace with the code the server printed, invites an agent who joins in a second
// browser, adds an API inbox whose first customer message reaches both, then deactivates the agent,
// whose app returns to the sign-in page on its own.
describe('a team sets up its workspace', () => {
  let server: ServerProcess
  let browser: Browser
  let admin: Page
  let agentContext: BrowserContext
  let agent: Page
  const customer = { email: `erin.${Date.now()}@example.net`, name: 'Erin Castillo' }
  const agentName = 'Sam Rivera'

  const openContext = async () => {
    // bypassCSP: axe is injected as a script, which the app's own policy rightly refuses.
    const context = await browser.newContext({ viewport: TABLET, baseURL: server.url, bypassCSP: true })
    const page = await context.newPage()
    page.on('pageerror', (error) => console.error('page error:', error.message))
    // Deactivating and deleting ask first; the person says yes.
    page.on('dialog', (dialog) => void dialog.accept())
    return { context, page }
  }

  /** No serious or critical axe-core violation on the screen shown. */
  const accessible = async (page: Page, screen: string) => {
    const violations = await seriousViolations(page)
    expect(violations, describeViolations(screen, violations)).toEqual([])
  }

  beforeAll(async () => {
    server = await startServerProcess({ env: { DEMO: '0' } })
    browser = await launchBrowser()
    admin = (await openContext()).page
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('sends a first visitor to setup, refuses a wrong code, and signs the new person in as Administrator', async () => {
    const code = server.output().match(/setup code:\s+(\S+)/)?.[1]
    expect(code, server.output()).toBeTruthy()
    await admin.goto('/')
    await admin.getByRole('heading', { name: 'Set up your workspace' }).waitFor()
    expect(new URL(admin.url()).pathname).toBe('/setup')

    await admin.getByLabel('Setup code').fill('WRONG-CODE-0000')
    await admin.getByLabel('Workspace name').fill('Acme Support')
    await admin.getByLabel('Your name').fill('Ada Admin')
    await admin.getByLabel('Email').fill('ada@acme.test')
    await admin.getByLabel('Password').fill('correct horse battery')
    await admin.getByRole('button', { name: 'Create workspace' }).click()
    await admin.getByRole('alert').getByText(/setup code is not right/).waitFor()
    await accessible(admin, 'setup with a refused code')

    await admin.getByLabel('Setup code').fill(code!)
    await admin.getByRole('button', { name: 'Create workspace' }).click()
    // Signed in, in an empty workspace that says how to add the first inbox.
    await admin.getByRole('heading', { name: 'No inbox yet' }).waitFor()
    await accessible(admin, 'the inbox of a workspace without inboxes')
    await admin.getByRole('link', { name: 'Settings → Inboxes' }).click()
    await admin.getByRole('heading', { name: 'Inboxes' }).waitFor()
    const tabs = await admin.getByRole('tablist', { name: 'Settings sections' }).getByRole('tab').allTextContents()
    expect(tabs.map((t) => t.trim())).toEqual(['Profile', 'Canned responses', 'Inboxes', 'Agents', 'Teams', 'Attributes', 'Webhooks'])

    // The code is dead: the page now only points to sign-in.
    const stranger = await openContext()
    await stranger.page.goto('/setup')
    await stranger.page.getByText('The workspace exists already').waitFor()
    await stranger.page.getByRole('link', { name: 'Sign in' }).click()
    await stranger.page.getByRole('button', { name: 'Sign in' }).waitFor()
    await stranger.context.close()
  })

  it('invites an agent, who joins with the link in a second browser and sees no administrator sections', async () => {
    await admin.goto('/settings/agents')
    await admin.getByRole('button', { name: 'Invite agent' }).click()
    await admin.getByLabel('Email').fill('sam@acme.test')
    await admin.getByRole('combobox', { name: 'Role', exact: true }).selectOption({ label: 'Agent' })
    await admin.getByRole('button', { name: 'Create invitation' }).click()
    const link = await admin.getByRole('textbox', { name: 'Invitation link' }).inputValue()
    expect(link).toMatch(new RegExp(`^${server.url}/invite/\\S+$`))
    await admin.getByRole('list', { name: 'Pending invitations' }).getByText('sam@acme.test').waitFor()

    ;({ context: agentContext, page: agent } = await openContext())
    await agent.goto(link)
    await agent.getByRole('heading', { name: 'Join Acme Support' }).waitFor()
    await accessible(agent, 'joining by invitation')
    await agent.getByLabel('Your name').fill(agentName)
    await agent.getByLabel('Password').fill('sams-own-password')
    await agent.getByRole('button', { name: 'Join' }).click()
    await agent.getByRole('tab', { name: 'Open' }).waitFor()
    await agent.getByText('Ask your administrator').waitFor()

    // An agent's settings: Profile and Canned responses only, even at an administrator's URL.
    await agent.goto('/settings/agents')
    await agent.getByRole('heading', { name: 'Profile' }).waitFor()
    const tabs = await agent.getByRole('tablist', { name: 'Settings sections' }).getByRole('tab').allTextContents()
    expect(tabs.map((t) => t.trim())).toEqual(['Profile', 'Canned responses'])
    await agent.goto('/')

    // The administrator's list shows the new agent live (the feed's directory entry).
    await admin.getByRole('list', { name: 'Agents' }).getByRole('listitem', { name: agentName }).waitFor()
    // Accepted, the invitation is no longer pending.
    await admin.getByRole('region', { name: 'Pending invitations' }).getByText('None.').waitFor()
    expect(await admin.getByRole('region', { name: 'Pending invitations' }).getByText('sam@acme.test').count()).toBe(0)
  })

  it('adds an API inbox; a customer message through its token reaches both agents', async () => {
    await admin.goto('/settings/inboxes')
    await admin.getByRole('button', { name: 'Add inbox' }).click()
    await admin.getByRole('radio', { name: 'API' }).check()
    await admin.getByLabel('Name', { exact: true }).fill('Shop backend')
    await admin.getByRole('button', { name: 'Create', exact: true }).click()
    const token = await admin.getByRole('textbox', { name: 'API token for Shop backend' }).inputValue()
    expect(token.length).toBeGreaterThan(16)

    await customerWrites({ url: server.url, apiToken: token }, customer, 'My parcel arrived damaged.')
    await admin.goto('/')
    for (const page of [admin, agent]) await page.getByRole('link', { name: /Erin Castillo/ }).waitFor()
  })

  it("a role change and a rename reach the other's device live (the directory in the feed)", async () => {
    await agent.goto('/settings/profile')
    const agentTabs = agent.getByRole('tablist', { name: 'Settings sections' })
    await agentTabs.getByRole('tab', { name: 'Profile' }).waitFor()
    expect(await agentTabs.getByRole('tab', { name: 'Agents' }).count()).toBe(0)

    await admin.goto('/settings/agents')
    const role = admin.getByRole('combobox', { name: `Role of ${agentName}` })
    await role.selectOption({ label: 'Administrator' })
    await agentTabs.getByRole('tab', { name: 'Agents' }).waitFor()
    await role.selectOption({ label: 'Agent' })
    await agentTabs.getByRole('tab', { name: 'Agents' }).waitFor({ state: 'detached' })

    await agent.getByLabel('Name', { exact: true }).fill(`${agentName} Jr`)
    await agent.getByRole('button', { name: 'Save', exact: true }).click()
    await admin.getByRole('listitem', { name: `${agentName} Jr` }).waitFor()
    await agent.getByLabel('Name', { exact: true }).fill(agentName)
    await agent.getByRole('button', { name: 'Save', exact: true }).click()
    await admin.getByRole('listitem', { name: agentName, exact: true }).waitFor()
  })

  it('deactivating the agent takes them off the assignee picker and returns their app to sign-in', async () => {
    await admin.goto('/settings/agents')
    const row = admin.getByRole('listitem', { name: agentName, exact: true })
    await row.getByRole('button', { name: 'Deactivate' }).click()
    await row.getByText('Deactivated').waitFor()

    // Within a second or so the agent's socket is closed with 4401 and the app shows sign-in.
    await agent.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 5_000 })
    await agent.getByText('Your session has ended').waitFor()

    await admin.goto('/')
    await admin.getByRole('link', { name: /Erin Castillo/ }).click()
    const assignee = admin.getByRole('combobox', { name: 'Assignee' })
    await assignee.waitFor()
    expect(await assignee.locator('option').allTextContents()).not.toContain(agentName)
    await agentContext.close()
  })

  it('Profile: a wrong current password is refused, a new one works, and Sign out everywhere returns to sign-in', async () => {
    await admin.goto('/settings/profile')
    await admin.getByLabel('Current password').fill('not my password')
    await admin.getByLabel('New password').fill('a brand new secret')
    await admin.getByRole('button', { name: 'Change password' }).click()
    await admin.getByRole('alert').waitFor()
    await admin.getByLabel('Current password').fill('correct horse battery')
    await admin.getByRole('button', { name: 'Change password' }).click()
    await admin.getByText('Password changed. Your other sessions were signed out').waitFor()

    await admin.getByRole('button', { name: 'Sign out everywhere' }).click()
    await admin.getByRole('button', { name: 'Sign in' }).waitFor()
    // Chosen, not imposed: no "your session has ended".
    expect(await admin.getByText('Your session has ended').count()).toBe(0)
    await admin.getByLabel('Email').fill('ada@acme.test')
    await admin.getByLabel('Password').fill('a brand new secret')
    await admin.getByRole('button', { name: 'Sign in' }).click()
    await admin.getByRole('link', { name: /Erin Castillo/ }).waitFor()
  })
})
