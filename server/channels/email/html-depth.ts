import { Parser } from 'htmlparser2'

/**
 * Where HTML first nests deeper than `maxDepth` elements (the offset of that start tag), or null.
 *
 * Why: htmlparser2 keeps its open elements in an array it shifts and unshifts at the front, so each
 * start and end tag costs time proportional to the depth: 200,000 nested <div> (1 MB) take minutes.
 * This pass uses the same parser, so the depth it counts is the one the conversion will meet (implied
 * ends included), and it stops at the first tag past the limit: its cost stays linear in the input.
 */
export function tooDeepAt(html: string, maxDepth: number): number | null {
  let depth = 0
  let at: number | null = null
  const parser: Parser = new Parser({
    onopentag() {
      depth += 1
      if (depth > maxDepth && at === null) {
        at = parser.startIndex
        parser.pause()
      }
    },
    onclosetag() {
      depth -= 1
    },
  })
  parser.write(html)
  if (at === null) parser.end()
  return at
}
