import { describe, expect, it } from 'vitest'
import { htmlToText, MAX_DEPTH, MAX_HTML_CHARS, TOO_DEEP_NOTE, TOO_LONG_NOTE } from '../../../../../server/channels/email/html-to-text.ts'

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
    expect(htmlToText('<p>&amp;lt;</p>')).toBe('&lt;')
  })
})

describe('htmlToText on hostile markup', () => {
  // Shapes that made the old regex scanner (or would make a naive parser) go quadratic or recurse.
  const shapes: Record<string, (bytes: number) => string> = {
    'unclosed "<a" over and over': (n) => '<a'.repeat(n / 2),
    'unclosed quoted attribute': (n) => `<a title="${'<a '.repeat(n / 3)}`,
    'deep nesting': (n) => '<div>'.repeat(n / 5),
    'deep nesting, then stray end tags': (n) => '<div>'.repeat(250) + '</b>'.repeat((n - 1250) / 4),
    'unclosed comment': (n) => `<p>before</p><!--${'<p>x</p>'.repeat(n / 8)}`,
    'huge attribute value': (n) => `<p>ok</p><a href="https://x.test/${'h'.repeat(n)}">link</a>`,
    'many entities': (n) => '&amp;&#x1F600;'.repeat(n / 14),
  }
  const KB = 1024

  /** The fastest of a few runs: the least disturbed by whatever else the machine is doing. */
  const fastest = (html: string): number => {
    let best = Infinity
    for (let i = 0; i < 3; i++) {
      const start = performance.now()
      htmlToText(html)
      best = Math.min(best, performance.now() - start)
    }
    return best
  }

  it.each(Object.entries(shapes))('%s: 1 MB costs about 4 times 256 KB (linear), not 16 (quadratic)', (_name, make) => {
    const small = make(256 * KB)
    const large = make(1024 * KB)
    fastest(small) // warm up
    const ratio = fastest(large) / Math.max(fastest(small), 1)
    // Linear is 4; quadratic would be 16. 10 leaves room for noise and GC on a loaded machine.
    expect(ratio).toBeLessThan(10)
  }, 60_000)

  it('says so when it stops early: too deep, or too long', () => {
    const deep = htmlToText(`<p>Hello</p>${'<div>'.repeat(MAX_DEPTH + 10)}hidden`)
    expect(deep).toBe(`Hello\n\n${TOO_DEEP_NOTE}`)
    const long = htmlToText(`<p>Start</p><p>${'word '.repeat(MAX_HTML_CHARS / 5)}</p><p>end</p>`)
    expect(long.startsWith('Start\n\nword word')).toBe(true)
    expect(long.endsWith(`word\n\n${TOO_LONG_NOTE}`)).toBe(true)
    expect(long).not.toContain('end')
  }, 60_000)

  it('keeps the text and links of a hostile mail that a reader would see', () => {
    expect(htmlToText(`<p>Hi <a href="https://ok.test/">there</a></p><a title="x<a${'<a'.repeat(1000)}`)).toBe('Hi there (https://ok.test/)')
    expect(htmlToText('<p>Visible</p><!-- never closed <p>hidden</p>')).toBe('Visible')
  })
})
