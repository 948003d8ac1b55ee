/** A 3×2 PNG (red, green, blue / white, black, grey), made for the tests that attach an image. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAGUlEQVR42mP4z8DAsACI/zP8/w9iNzQ0AABCPgccxpc+FAAAAABJRU5ErkJggg==',
  'base64',
)
