// Renders the app icons (client/public/icons/*.png) from icon.svg with Chromium: `npx tsx scripts/render-icons.ts`.
import { readFileSync } from 'node:fs'
import { chromium } from 'playwright-core'
const svg = readFileSync('client/public/icons/icon.svg', 'utf8')
// Maskable: full-bleed background, the mark inside the central 80% safe zone.
const maskable = svg.replace('rx="112"', 'rx="0"').replace('<path', '<g transform="translate(51.2 51.2) scale(0.8)"><path').replace('</svg>', '</g></svg>')
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] })
for (const [name, size, source] of [['icon-192.png', 192, svg], ['icon-512.png', 512, svg], ['maskable-512.png', 512, maskable], ['apple-touch-icon.png', 180, maskable]] as const) {
  const page = await browser.newPage({ viewport: { width: size, height: size } })
  await page.setContent(`<html><body style="margin:0;background:transparent">${source.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`)
  await page.screenshot({ path: `client/public/icons/${name}`, omitBackground: true })
  await page.close()
}
await browser.close()
