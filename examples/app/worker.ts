// The books API as a module for options.workers: every copy imports it and
// serves its ctx and dispatch (each copy keeps its own in-memory store).
import { jsonLogger, type LogLevel } from 'wirecore/app';
import { createBooksApp } from './books.js';

const app = createBooksApp({ logger: jsonLogger({ level: (process.env.LOG_LEVEL ?? 'info') as LogLevel }) });
export const ctx = app.ctx;
export const dispatch = app.dispatch;
export const options = app.serveOptions();
