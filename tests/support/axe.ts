import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

// axe-core run in the page by hand: @axe-core/playwright needs Node 22. The page's own
// Content-Security-Policy forbids injected scripts, so contexts that use this are created with
// `bypassCSP: true` (a test-only switch of the browser, not of the app).

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

export interface AxeViolation {
  id: string
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null
  help: string
  helpUrl: string
  nodes: { target: unknown[]; html: string; failureSummary?: string }[]
}

/** The WCAG 2.x A and AA rules, and axe's best practices (landmarks, heading order, …). */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']

/** Serious and critical violations on the page as it is now (open shadow roots included). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH })
  const violations = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> } }).axe
    const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    return results.violations
  }, TAGS)
  return (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

/** One line per violation and offending element, for a failure message a person can act on. */
export function describeViolations(screen: string, violations: AxeViolation[]): string {
  return violations
    .flatMap((v) =>
      v.nodes.map((n) => `${screen}: [${v.impact}] ${v.id} (${v.help}) at ${JSON.stringify(n.target)} ${n.html.slice(0, 160)}${n.failureSummary ? ` — ${n.failureSummary.replaceAll('\n', ' ')}` : ''}`),
    )
    .join('\n')
}
