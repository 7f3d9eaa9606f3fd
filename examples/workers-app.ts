// A module for options.workers: each worker imports it and serves its
// ctx and dispatch. Answers with where it ran, so requests can be seen
// spreading across copies.
// #region readme
import { threadId } from 'node:worker_threads';
import type { DispatchFn } from 'wirecore';

export const ctx = { started: Date.now() };

export const dispatch: DispatchFn<typeof ctx> = (_ctx, req, res) => {
  // Lets the tests see a crashed copy replaced.
  if (req.path === '/crash') process.exit(1);
  return res.send({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pid: process.pid, threadId }) });
};
// #endregion
