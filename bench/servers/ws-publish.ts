// The broadcast every WebSocket bench server runs on "publish <n> <bytes>":
// n messages, 100 per turn of the event loop, then done().
export function publishInBatches(command: string, publish: (payload: string) => void, done: () => void): void {
  const [, n, bytes] = command.split(' ');
  let left = Number(n);
  const payload = 'x'.repeat(Number(bytes));
  const batch = () => {
    for (let i = 0; i < 100 && left > 0; i++, left--) publish(payload);
    if (left > 0) setImmediate(batch);
    else done();
  };
  batch();
}
