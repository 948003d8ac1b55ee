import type { DomainEvents } from '../services/domain-events.ts'
import type { DocRegistry } from '../sync/doc-registry.ts'
import { WidgetLive } from './live.ts'
import { WidgetService, type WidgetServiceDeps } from './service.ts'
import { VisitorTokens, secretFile } from './visitor-token.ts'

/** The website live-chat channel as the rest of the server sees it (`ctx.widget`). */
export interface WidgetChannel {
  service: WidgetService
  live: WidgetLive
}

export function createWidgetChannel(
  deps: Omit<WidgetServiceDeps, 'tokens'> & { dataDir: string; docs: DocRegistry; events: DomainEvents },
): WidgetChannel {
  const service = new WidgetService({ ...deps, tokens: new VisitorTokens(secretFile(deps.dataDir)) })
  return { service, live: new WidgetLive(service, deps.docs, deps.events) }
}
