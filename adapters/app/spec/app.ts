// Spec-first: an app built from an OpenAPI 3.0 / 3.1 document. Each
// operation becomes a route (its operationId names the handler), its
// parameters, body and responses become the route's schemas (validated by
// ajv, serialized by fast-json-stringify, with the document's own named
// schemas shared and referenced), and its security requirements run against
// the document's security schemes. With `watch`, editing the file swaps the
// route table atomically; a broken edit keeps the old table and logs why.
import { watch as watchFiles, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type AppOptions } from '../app.js';
import { buildRoutes } from './compile.js';
import { isObject, readSpec, type JsonObject } from './load.js';
import type { SpecOptions } from './options.js';

export type { SpecHandler, SpecOptions } from './options.js';

/** An app whose routes come from an OpenAPI document; `reload()` reads it again, `watch` does so on every change. */
export class SpecApp<State = undefined> extends App<State> {
  private origin: object | null = null;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reloading = false;
  private again = false;

  /** @internal Use fromSpec(). */
  constructor(
    private readonly source: string | URL | JsonObject,
    private readonly specOptions: SpecOptions<State>,
    appOptions: AppOptions<State>,
  ) {
    super(appOptions);
  }

  /** Reads the spec again and swaps the route table in; throws (keeping the old table) when the spec is broken. */
  async reload(): Promise<void> {
    const raw = await readSpec(this.source);
    const built = buildRoutes(this, raw, this.specOptions);
    this.replaceRoutes(this.origin, built.routes, built.base);
    this.origin = built.origin;
  }

  /** @internal Starts watching the spec file. */
  watch(): void {
    if (typeof this.source !== 'string' && !(this.source instanceof URL)) throw new TypeError('wirecore/app: watch needs the spec as a file path');
    const file = resolve(this.source instanceof URL ? fileURLToPath(this.source) : this.source);
    const name = basename(file);
    // The folder, not the file: editors often save by writing a new file and renaming it over the old one.
    this.watcher = watchFiles(dirname(file), (_event, changed) => {
      if (changed === null || changed === name) this.schedule();
    });
    this.watcher.unref();
  }

  /** Stops watching the spec file. */
  unwatch(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer !== null) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    // One reload for the burst of events a save makes.
    this.timer = setTimeout(() => void this.reloadFromWatch(), 25);
    this.timer.unref();
  }

  private async reloadFromWatch(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return;
    }
    this.reloading = true;
    const log = this.settings.logger;
    try {
      await this.reload();
      log.info({ spec: String(this.source) }, 'spec reloaded');
      this.specOptions.onReload?.(null);
    } catch (error) {
      log.error({ spec: String(this.source), err: error }, 'spec reload failed; the previous routes stay');
      this.specOptions.onReload?.(error as Error);
    } finally {
      this.reloading = false;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    }
  }
}

/**
 * Builds an app from an OpenAPI 3.0 or 3.1 document (a JSON or YAML file, or
 * the object): routes, request validation, response serialization and
 * security all come from the document. A missing handler, a handler with no
 * operation, an invalid spec, an unknown security scheme or a `$ref` cycle
 * fail here with an error naming them. Add routes in code as on any app.
 */
export async function fromSpec<State = undefined>(source: string | URL | Record<string, unknown>, options: SpecOptions<State>): Promise<SpecApp<State>> {
  if (options === null || typeof options !== 'object' || !isObject(options.handlers)) throw new TypeError('wirecore/app: fromSpec(spec, { handlers: { [operationId]: handler } })');
  // What is left once the spec's own options are taken out is the app's.
  const appOptions: Record<string, unknown> = { ...options };
  for (const key of ['handlers', 'security', 'watch', 'bodyParsers', 'onReload']) delete appOptions[key];
  const app = new SpecApp<State>(source as string | URL | JsonObject, options, appOptions as AppOptions<State>);
  for (const [type, parser] of Object.entries(options.bodyParsers ?? {})) app.addBodyParser(type, parser);
  await app.reload();
  if (options.watch === true) app.watch();
  return app;
}
