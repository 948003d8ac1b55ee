/** A refusal of an administration or profile request, with the field it is about when there is one
 *  (the answer is `{error, fields:[{path,message}]}`). */
export class AdminError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}
