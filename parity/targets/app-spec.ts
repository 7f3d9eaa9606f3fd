// Parity target: a spec-first wirecore/app (runtime argv[2]): the app-only
// operations come from an OpenAPI 3.1 document (APP_SPEC) with fromSpec,
// the echo routes are added in code. Prints "READY <port>".
import { fromSpec } from 'wirecore/app';
import { APP_SPEC, addEchoRoutes, appSettings, handlers, serveParity, specSecurity } from './app-shared.js';

const app = await fromSpec(APP_SPEC, { ...appSettings, handlers, security: specSecurity });
addEchoRoutes(app);
await serveParity(app);
