import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConversationView } from '../support/server.ts'
import { TestServer } from '../support/server.ts'
import { websiteKey } from '../support/widget-visitor.ts'

// The app's pages carry a strict CSP and are never framed; the session cookie is __Host- over HTTPS;
// a write carried by the session cookie must come from a page of this origin (CSRF).

const directives = (csp: string | null): Map<string, string> =>
  new Map((csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values.join(' ')]))

describe('security headers', () => {
  let server: TestServer
  let proxied: TestServer
  beforeAll(async () => {
    ;[server, proxied] = await Promise.all([TestServer.start(), TestServer.start({ env: { TRUST_PROXY: '1' } })])
  })
  afterAll(() => Promise.all([server.close(), proxied.close()]))

  it('serves the app with a CSP that allows no inline or foreign script and no framing', async () => {
    for (const path of ['/', '/conversations/some-id', '/api/health']) {
      const res = await server.request(path)
      const csp = directives(res.headers.get('content-security-policy'))
      expect(csp.get('script-src'), path).toBe("'self'")
      expect(csp.get('default-src')).toBe("'self'")
      expect(csp.get('object-src')).toBe("'none'")
      expect(csp.get('frame-ancestors')).toBe("'none'")
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      // Plain HTTP: HSTS would mean nothing (and must not be sent).
      expect(res.headers.get('strict-transport-security')).toBeNull()
    }
  })

  it('gives the widget demo page its own policy that still loads widget.js and talks to the widget API', async () => {
    const res = await server.request(`/widget-demo?key=${await websiteKey(server)}`)
    const csp = directives(res.headers.get('content-security-policy'))
    expect(csp.get('script-src')).toBe("'self'")
    expect(csp.get('connect-src')).toBe("'self'")
    expect(res.text).toContain('src="/widget.js"')
    // The page has no inline script: the snippet is an external script.
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
  })

  it('keeps an attachment’s own sandboxing policy', async () => {
    const alice = await server.clientFor(server.acme.alice)
    const upload = await alice.request<{ attachment: { id: string } }>('/api/attachments', {
      body: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      headers: { 'content-type': 'image/svg+xml', 'x-file-name': 'x.svg' },
    })
    expect(upload.status).toBe(201)
    const files = await alice.request(`/api/attachments/${upload.body.attachment.id}`)
    expect(directives(files.headers.get('content-security-policy')).has('sandbox')).toBe(true)
  })

  it('sends HSTS and a __Host- cookie only when a trusted proxy says the request came over HTTPS', async () => {
    const { alice } = proxied.acme
    const https = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.5' }
    const signIn = await proxied.request('/api/auth/sign-in', { json: { email: alice.email, password: alice.password }, headers: https })
    expect(signIn.status).toBe(200)
    expect(signIn.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/)
    const cookie = signIn.headers.get('set-cookie')!
    expect(cookie).toMatch(/^__Host-inbox_session=[^;]+;/)
    expect(cookie).toMatch(/; Secure/i)
    expect(cookie).toMatch(/; Path=\//)
    expect(cookie).not.toMatch(/Domain=/i)
    // The prefixed cookie authenticates, on HTTP routes and sockets alike (tokenOf reads both names).
    const session = cookie.split(';')[0]!
    expect((await proxied.request('/api/workspace', { cookie: session })).status).toBe(200)

    // Without TRUST_PROXY the same header is anyone's to send: plain cookie, no HSTS.
    const direct = await server.request('/api/auth/sign-in', {
      json: { email: server.acme.alice.email, password: server.acme.alice.password },
      headers: { 'x-forwarded-proto': 'https' },
    })
    expect(direct.headers.get('strict-transport-security')).toBeNull()
    expect(direct.headers.get('set-cookie')).toMatch(/^inbox_session=/)
    expect(direct.headers.get('set-cookie')).not.toMatch(/; Secure/i)
  })
})

describe('cross-site request forgery', () => {
  let server: TestServer
  let cookie: string
  let conversationId: string
  beforeAll(async () => {
    server = await TestServer.start()
    cookie = await server.cookieFor(server.acme.alice)
    ;({ conversationId } = await server.customerWrites({ email: 'csrf@customer.test' }, 'Hello'))
  })
  afterAll(() => server.close())

  const patch = (headers: Record<string, string>, auth: { cookie?: string; token?: string }, status: string) =>
    server.request(`/api/conversations/${conversationId}`, { method: 'PATCH', json: { status }, headers, ...auth })
  const statusNow = async () =>
    (await server.request<ConversationView>(`/api/conversations/${conversationId}`, { cookie })).body.conversation.status

  it('refuses a cookie-authenticated write from another origin with 403, and changes nothing', async () => {
    const foreign = await patch({ origin: 'https://evil.example' }, { cookie }, 'resolved')
    expect(foreign.status).toBe(403)
    expect((foreign.body as { error: string }).error).toMatch(/cross-site/)
    expect(await statusNow()).toBe('open')
    // A sibling page that sends no Origin, but says where the request comes from.
    expect((await patch({ 'sec-fetch-site': 'same-site' }, { cookie }, 'resolved')).status).toBe(403)
    expect((await patch({ origin: 'null' }, { cookie }, 'resolved')).status).toBe(403)
    expect(await statusNow()).toBe('open')
    // Signing out is a write too: a foreign page cannot end the session.
    expect((await server.request('/api/auth/sign-out', { method: 'POST', cookie, headers: { origin: 'https://evil.example' } })).status).toBe(403)
    expect((await server.request('/api/workspace', { cookie })).status).toBe(200)
    // Nor sign a visitor into an account of its choosing.
    const loginCsrf = await server.request('/api/auth/sign-in', {
      json: { email: server.acme.bob.email, password: server.acme.bob.password },
      headers: { origin: 'https://evil.example' },
    })
    expect(loginCsrf.status).toBe(403)
  })

  it('accepts the same write from the app’s own origin, and from a client that is no browser', async () => {
    expect((await patch({ origin: server.url }, { cookie }, 'pending')).status).toBe(200)
    expect(await statusNow()).toBe('pending')
    expect((await patch({ 'sec-fetch-site': 'same-origin' }, { cookie }, 'open')).status).toBe(200)
    expect((await patch({}, { cookie }, 'pending')).status).toBe(200)
    expect(await statusNow()).toBe('pending')
  })

  it('accepts bearer-token writes whatever the Origin: a token is never sent by the browser on its own', async () => {
    const token = await server.tokenFor(server.acme.alice)
    expect((await patch({ origin: 'https://elsewhere.example' }, { token }, 'open')).status).toBe(200)
    expect(await statusNow()).toBe('open')
  })

  it('leaves the public widget API open to every site', async () => {
    const res = await server.request('/api/widget/session', {
      json: { key: await websiteKey(server) },
      headers: { origin: 'https://shop.example' },
    })
    expect(res.status).toBe(200)
  })
})
