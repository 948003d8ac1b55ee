import type { Store } from '../../store/types.ts'
import type { InboundMailHandler } from './smtp-inbound.ts'

/** 250 only once the mail is on disk, power loss included (the store's group commit): the sending
 *  server deletes its copy when it reads 250. */
export const durableDelivery = (handler: InboundMailHandler, store: Pick<Store, 'durable'>): InboundMailHandler => ({
  accepts: (address) => handler.accepts(address),
  deliver: async (raw, envelope) => {
    await handler.deliver(raw, envelope)
    await store.durable()
  },
})
