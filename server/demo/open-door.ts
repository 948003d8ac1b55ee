/** Whether the server listens only on this machine (HOST=127.0.0.1, ::1 or localhost). */
export const isLoopback = (host: string): boolean => ['127.0.0.1', '::1', 'localhost', '[::1]'].includes(host.toLowerCase())

/** Printed at start when the demo workspace exists and the server can be reached from elsewhere: its
 *  passwords are in the README and in this very output, so it is an open door. */
export function openDoorWarning(host: string): string {
  const bar = '!'.repeat(78)
  return [
    bar,
    `!!  WARNING: the DEMO workspace is being served on ${host}, beyond this machine.`,
    '!!  Anyone who can reach this server can sign in with the demo passwords, which',
    '!!  are public, and read and answer every conversation in it.',
    '!!',
    '!!  To run it for real: stop the server and start it with DEMO=0 and a fresh,',
    '!!  empty DATA_DIR, e.g.   DEMO=0 DATA_DIR=./team-data npm start',
    '!!  then create your workspace with the setup code it prints.',
    '!!  To keep the demo on this machine only: HOST=127.0.0.1 npm start',
    bar,
  ].join('\n')
}
