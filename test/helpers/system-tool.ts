// Tests that need a program from the system (Chromium, HAProxy, redis-server,
// cargo). CI installs them (scripts/install-system.sh) and requires them;
// elsewhere a missing one skips its tests with one line saying why.
import { spawnSync } from 'node:child_process';

/** Where CI runs, or where a developer asks with WIRECORE_REQUIRE_TOOLS=1, a missing tool fails instead of skipping. */
export const toolsRequired = process.env.CI === 'true' || process.env.WIRECORE_REQUIRE_TOOLS === '1';

/** The command's path on PATH, or null. */
export function onPath(command: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

/**
 * True when the tool is there. When it is not: throws where tools are
 * required, else prints one line and returns false (for describe.runIf).
 */
export function needTool(name: string, found: boolean, howToInstall = 'scripts/install-system.sh installs it'): boolean {
  if (found) return true;
  const reason = `${name} is not installed (${howToInstall})`;
  if (toolsRequired) throw new Error(`${reason}; CI and WIRECORE_REQUIRE_TOOLS=1 require it`);
  console.warn(`skipping the tests that need ${name}: ${reason}`);
  return false;
}
