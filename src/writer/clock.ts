// The Date header value, refreshed once a second by one unref'd timer, and
// the listeners (static responses) that patch their bytes on the same tick.

let httpDate = new Date().toUTCString();
let timer: NodeJS.Timeout | null = null;
const listeners = new Set<(date: string) => void>();

function tick(): void {
  httpDate = new Date().toUTCString();
  for (const listener of listeners) listener(httpDate);
}

function ensureTimer(): void {
  if (timer !== null) return;
  // Refresh now: the process may have been idle since the last tick.
  httpDate = new Date().toUTCString();
  timer = setInterval(tick, 1000);
  timer.unref();
}

/** The current IMF-fixdate, at most one second old. */
export function currentDate(): string {
  if (timer === null) ensureTimer();
  return httpDate;
}

/** Calls `listener` on every tick until the returned function is called. */
export function onDateTick(listener: (date: string) => void): () => void {
  ensureTimer();
  listeners.add(listener);
  return () => listeners.delete(listener);
}
