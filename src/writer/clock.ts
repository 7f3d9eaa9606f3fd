// The Date header value, refreshed once a second by one unref'd timer, and
// the listeners (static responses) that patch their bytes on the same tick.

let httpDate = new Date().toUTCString();
/** "Date: <httpDate>\r\n", made once a tick rather than once an answer. */
let dateLine = `Date: ${httpDate}\r\n`;
let timer: NodeJS.Timeout | null = null;
const listeners = new Set<(date: string) => void>();

function setDate(): void {
  httpDate = new Date().toUTCString();
  dateLine = `Date: ${httpDate}\r\n`;
}

function tick(): void {
  setDate();
  for (const listener of listeners) listener(httpDate);
}

function ensureTimer(): void {
  if (timer !== null) return;
  // Refresh now: the process may have been idle since the last tick.
  setDate();
  timer = setInterval(tick, 1000);
  timer.unref();
}

/** The current IMF-fixdate, at most one second old. */
export function currentDate(): string {
  if (timer === null) ensureTimer();
  return httpDate;
}

/** The Date field line of a head, CRLF included. */
export function currentDateLine(): string {
  if (timer === null) ensureTimer();
  return dateLine;
}

/** Calls `listener` on every tick until the returned function is called. */
export function onDateTick(listener: (date: string) => void): () => void {
  ensureTimer();
  listeners.add(listener);
  return () => listeners.delete(listener);
}
