// Security schemes: what routes name in `security`, verified per scheme kind
// (jwt.ts, bearer.ts, basic.ts, api-key.ts) and run as one authenticate step
// (registry.ts).
export type { AuthInfo, Principal, SecurityRequirements } from '../model.js';
export type { ApiKeySchemeConfig, BasicSchemeConfig, BearerSchemeConfig, JwtOptions, OAuthSchemeConfig, SchemeVerification, SecuritySchemeConfig, Verified } from './config.js';
export { SecurityRegistry, type Authenticate } from './registry.js';
