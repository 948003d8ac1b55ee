/**
 * Polls an assertion until it passes, and returns what it returned. The server applies rules, wakes
 * snoozes and pushes feed entries asynchronously: tests wait for the observable outcome, never for a
 * fixed time. On timeout the assertion's last failure is thrown, so the report says what was wrong.
 */
export async function eventually<T>(
  assertion: () => T | Promise<T>,
  { timeout = 5_000, interval = 20 }: { timeout?: number; interval?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeout
  for (;;) {
    try {
      return await assertion()
    } catch (error) {
      if (Date.now() >= deadline) throw error
    }
    await new Promise((resolve) => setTimeout(resolve, interval))
  }
}
