// Renderers and esbuild are peer dependencies the site picks: loaded on
// demand, and a missing one is an error that says what to install.

const MISSING = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'ERR_PACKAGE_PATH_NOT_EXPORTED']);

/** `import(specifier)`, turning "module not found" into an error naming the package to install and why. */
export async function importPeer<T>(specifier: string, pkg: string, purpose: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    if (!MISSING.has((error as { code?: string }).code ?? '')) throw error;
    // A package that is there but misses one of its own dependencies: name that one.
    const named = /Cannot find (?:package|module) '([^']+)'/.exec((error as Error).message)?.[1];
    const missing = named !== undefined && !named.startsWith('.') && !named.startsWith('/') ? packageName(named) : pkg;
    throw new Error(`wirecore/ssr: ${purpose} needs the package "${missing}", which is not installed: npm install ${missing}`, { cause: error });
  }
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
