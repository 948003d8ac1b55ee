import { describe, expect, it } from 'vitest'
import { replyHtml } from '../../../../../server/channels/email/reply-html.ts'

describe('replyHtml', () => {
  it('renders the markdown agents write', () => {
    const html = replyHtml('Hello **Dana**,\n\n- one\n- two\n\n[docs](https://docs.acme.test/a?b=1)')
    expect(html).toContain('<strong>Dana</strong>')
    expect(html).toContain('<li>one</li>')
    expect(html).toContain('<a href="https://docs.acme.test/a?b=1">docs</a>')
  })

  it('shows raw HTML as text, and keeps no script links or remote images', () => {
    const tags = (html: string) => [...html.matchAll(/<\/?([a-z!]+)/gi)].map((m) => m[1]!.toLowerCase())
    const raw = replyHtml('<script>alert(1)</script>\n\nand <img src=x onerror=alert(1)> <b onclick="x()">b</b>')
    expect(new Set(tags(raw))).toEqual(new Set(['!doctype', 'html', 'head', 'meta', 'body', 'p']))
    expect(raw).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    const links = replyHtml('see [x](javascript:alert(1)) and ![pixel](https://t.test/p.png)')
    expect(links).not.toMatch(/href=|<img|t\.test/)
    expect(links).toContain('see x and pixel')
  })
})
