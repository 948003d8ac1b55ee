import type { Page } from 'playwright-core'

// What the page records about itself, in its own clock (performance.now(), 0 = navigation start):
// installed before any of the app's scripts run. A MutationObserver notes the list pane appearing (the
// app has mounted), the first conversation row in the DOM with a size, an empty-list message before
// it, and every change of the sync status and of the status tabs' counts; Element Timing, when a row's
// text was painted (in the DOM is not on screen: a long task after the insertion holds the paint back). Plain strings, not functions: tsx rewrites functions
// with helpers that do not exist in the page.

export const PROBE_SCRIPT = `(() => {
  const b = { submitAt: null, paneAt: null, emptyAt: null, firstRowAt: null, firstRowPaintAt: null, rowRenderAt: null, mountedAt: null, status: [], counts: [], fcp: null };
  Object.defineProperty(window, '__bench', { value: b });
  addEventListener('submit', () => { if (b.submitAt === null) b.submitAt = performance.now(); }, true);
  const check = () => {
    const now = performance.now();
    const pane = document.querySelector('section[aria-label="Conversations"]');
    if (pane && b.paneAt === null) b.paneAt = now;
    if (b.mountedAt === null && document.querySelector('#app[data-v-app]')) b.mountedAt = now;
    if (pane && b.firstRowAt === null) {
      const row = pane.querySelector('a[href]');
      if (row && row.getBoundingClientRect().height > 0) {
        b.firstRowAt = now;
        // In the DOM is not on screen: a long task after the insertion holds the frame back. The
        // frame callback runs in the frame that paints it.
        requestAnimationFrame(() => { b.firstRowPaintAt = performance.now(); });
      }
      else if (b.emptyAt === null && pane.querySelector('.empty')) b.emptyAt = now;
    }
    const s = document.querySelector('[role="status"][aria-label="Sync status"]');
    if (s) {
      const text = s.textContent.trim();
      const bar = s.querySelector('progress');
      const progress = bar ? Number(bar.value) : null;
      const last = b.status[b.status.length - 1];
      if (!last || last.text !== text || last.progress !== progress) b.status.push({ at: now, text, progress });
    }
    const tabs = document.querySelectorAll('[role="tablist"][aria-label="Status"] .count');
    if (tabs.length) {
      const counts = Array.from(tabs, (t) => t.getAttribute('title')).join(',');
      const last = b.counts[b.counts.length - 1];
      if (!last || last.counts !== counts) b.counts.push({ at: now, counts });
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') b.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  // Element Timing (the rows' names carry elementtiming): when a row's text was actually painted.
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.identifier === 'conversation-row' && (b.rowRenderAt === null || e.renderTime < b.rowRenderAt)) b.rowRenderAt = e.renderTime;
    }
  }).observe({ type: 'element', buffered: true });
})()`

export interface StatusEntry {
  at: number
  text: string
  progress: number | null
}

export interface ProbeState {
  submitAt: number | null
  /** The list pane in the DOM: the app has mounted. */
  paneAt: number | null
  /** "No conversations here." shown before any row. */
  emptyAt: number | null
  firstRowAt: number | null
  /** The frame after the first row was in the DOM: when it is on screen. */
  firstRowPaintAt: number | null
  /** Element Timing's render time of the first row's text: when it was painted. */
  rowRenderAt: number | null
  /** Vue mounted the app (over first-paint.js's snapshot, if there was one). */
  mountedAt: number | null
  status: StatusEntry[]
  /** The status tabs' counts ("open,pending,snoozed,resolved"), each time they changed. */
  counts: { at: number; counts: string }[]
  fcp: number | null
}

export async function installProbe(page: Page): Promise<void> {
  await page.addInitScript({ content: PROBE_SCRIPT })
}

export async function readProbe(page: Page): Promise<ProbeState> {
  return JSON.parse(await page.evaluate<string>('JSON.stringify(window.__bench)')) as ProbeState
}

export interface ResourceEntry {
  name: string
  initiatorType: string
  startTime: number
  requestStart: number
  responseStart: number
  responseEnd: number
  transferSize: number
  encodedBodySize: number
  decodedBodySize: number
}

/** Resource Timing: every fetch and script of this page, in the page's clock. */
export async function readResources(page: Page): Promise<ResourceEntry[]> {
  const expression = `JSON.stringify(performance.getEntriesByType('resource').map((e) => ({
    name: e.name, initiatorType: e.initiatorType, startTime: e.startTime, requestStart: e.requestStart,
    responseStart: e.responseStart, responseEnd: e.responseEnd, transferSize: e.transferSize,
    encodedBodySize: e.encodedBodySize, decodedBodySize: e.decodedBodySize })))`
  return JSON.parse(await page.evaluate<string>(expression)) as ResourceEntry[]
}

/** The device's own count, straight from IndexedDB (the Dexie database `inbox-<agentId>`). Only once
 *  the app has opened it: opening a database that does not exist yet would create it empty. */
export async function readDeviceStore(page: Page): Promise<{ conversations: number; cursor: number } | null> {
  const expression = `new Promise((resolve, reject) => {
    const agent = localStorage.getItem('inbox.lastAgentId');
    if (!agent) return resolve(null);
    const req = indexedDB.open('inbox-' + agent);
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction(['conversations', 'meta'], 'readonly');
      const count = tx.objectStore('conversations').count();
      const cursor = tx.objectStore('meta').get('cursor');
      tx.oncomplete = () => { db.close(); resolve({ conversations: count.result, cursor: cursor.result ? cursor.result.value : 0 }); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    };
  })`
  return (await page.evaluate<{ conversations: number; cursor: number } | null>(expression)) ?? null
}
