// Preloaded (node --expose-gc --import) into every server of the idle-memory
// run, baselines included, so RSS can also be read after a full collection.
// SIGUSR2 runs gc() and answers "GC DONE" on stdout.
process.on('SIGUSR2', () => {
  (globalThis as unknown as { gc: () => void }).gc();
  process.stdout.write('GC DONE\n');
});
