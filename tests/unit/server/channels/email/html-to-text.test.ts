import { describe, expect, it } from 'vitest'
import { decodeEntities, htmlToText } from '../../../../../server/channels/email/html-to-text.ts'

describe('htmlToText', () => {
  it('keeps the words, line structure and link targets, nothing of the markup', () => {
    const html = '<div>Hello <b>team</b>,<br>line two</div><ul><li>one</li><li>two <a href="https://x.test/a?b=1&amp;c=2">docs</a></li></ul><p>end</p>'
    expect(htmlToText(html)).toBe('Hello team,\nline two\n\n- one\n- two docs (https://x.test/a?b=1&c=2)\n\nend')
  })

  it('drops scripts, styles, head, comments and unsafe link targets with their content', () => {
    const html = '<head><title>T</title><style>b{}</style></head><!-- <p>hidden</p> --><script>alert("<p>x</p>")</script><p>Hi <a href="javascript:alert(1)">there</a><img src=x onerror=alert(1)></p>'
    expect(htmlToText(html)).toBe('Hi there')
  })

  it('drops the quoted history: blockquotes (nested too), Gmail and Thunderbird wrappers, and all after Outlook\'s marker', () => {
    expect(htmlToText('<p>New</p><blockquote>a<blockquote>b</blockquote>c</blockquote><p>after</p>')).toBe('New\n\nafter')
    expect(htmlToText('<div>Yes</div><div class="gmail_quote"><div class="gmail_attr">On Mon wrote:</div><div>x</div></div>')).toBe('Yes')
    expect(htmlToText('<p>Ok</p><div class="moz-cite-prefix">On Mon, A wrote:<br></div><blockquote type="cite">old</blockquote>')).toBe('Ok')
    expect(htmlToText('<p>Sure</p><div id="appendonsend"></div><hr><div id="divRplyFwdMsg">From: Acme</div><div>Old text</div>')).toBe('Sure')
    expect(htmlToText('<blockquote>only a quote</blockquote>', { keepQuotes: true })).toBe('only a quote')
  })

  it('reads a stray "<" as text and decodes entities once', () => {
    expect(htmlToText('<p>a < b &amp;&amp; c &gt; d &lt;script&gt; &#x1F600; &bogus; &#0;</p>')).toBe('a < b && c > d <script> 😀 &bogus; \ufffd')
    expect(decodeEntities('&amp;lt;')).toBe('&lt;')
  })
})
