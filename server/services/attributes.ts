import type { AttributeDefinition, ContactAttributesResult, NewAttribute } from '../../shared/schemas/attributes.ts'
import type { Contact } from '../../shared/schemas/entities.ts'
import { keyFromLabel, setProblem } from '../../shared/contact-attributes.ts'
import type { Store } from '../store/types.ts'
import type { Clock } from './clock.ts'
import type { Publish } from './publisher.ts'
import { AdminError } from './admin-errors.ts'
import { InvalidFieldError, NotFoundError } from './errors.ts'

const notFound = () => new AdminError(404, 'attribute not found')

/** Contact custom attributes: administrators define them, agents set contacts' values (checked
 *  against the definitions: a key nobody defined, or a value of the wrong type, is refused). */
export class AttributeService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly publish: Publish,
  ) {}

  list(accountId: string): Promise<AttributeDefinition[]> {
    return this.store.attributes.list(accountId)
  }

  async create(accountId: string, input: NewAttribute): Promise<AttributeDefinition> {
    const key = input.key ?? keyFromLabel(input.label)
    if (!key) throw new AdminError(400, 'this label makes no key: type one (lowercase letters, digits or _)', 'key')
    const result = await this.store.attributes.insert({ id: this.clock.id(), accountId, key, label: input.label, type: input.type, createdAt: this.clock.now() })
    if (!result.ok) throw new AdminError(409, `an attribute with the key ${key} exists already`, 'key')
    this.publish(accountId, result.entries)
    return result.attribute
  }

  async rename(accountId: string, id: string, label: string): Promise<AttributeDefinition> {
    const result = await this.store.attributes.rename(accountId, id, label)
    if (!result.ok) throw notFound()
    this.publish(accountId, result.entries)
    return result.attribute
  }

  async remove(accountId: string, id: string): Promise<void> {
    const result = await this.store.attributes.remove(accountId, id)
    if (!result.ok) throw notFound()
    this.publish(accountId, result.entries)
  }

  async setValues(accountId: string, contactId: string, set: Contact['attributes']): Promise<ContactAttributesResult> {
    const problem = setProblem(await this.store.attributes.list(accountId), set)
    if (problem) throw new InvalidFieldError(problem.field, problem.message)
    const result = await this.store.attributes.setContactAttributes(accountId, contactId, set)
    if (!result) throw new NotFoundError('contact not found')
    this.publish(accountId, result.entries)
    return { contact: result.contact, seq: result.entries[0]!.seq }
  }
}
