// Renderers and esbuild are peer dependencies the site picks: loaded on
// demand, and a missing one is an error that says what to install.

const MISSING = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'ERR_PACKAGE_PATH_NOT_EXPORTED']);

/** Whether `error` is Node's "module not found" (or a package that does not export the path). */
export function isModuleNotFound(error: unknown): boolean {
  return MISSING.has((error as { code?: string } | null)?.code ?? '');
}

/** The package a "module not found" error names, when it names a package (not a relative or absolute file). */
export function missingPackage(error: unknown): string | undefined {
  if (!isModuleNotFound(error)) return undefined;
  const named = /Cannot find (?:package|module) '([^']+)'/.exec((error as Error).message)?.[1];
  return named !== undefined && !named.startsWith('.') && !named.startsWith('/') && !named.startsWith('file:') ? packageName(named) : undefined;
}

/** `import(specifier)`, turning "module not found" into an error naming the package to install and why. */
export async function importPeer<T>(specifier: string, pkg: string, purpose: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
    // A package that is there but misses one of its own dependencies: name that one.
    const missing = missingPackage(error) ?? pkg;
    throw new Error(`wirecore/ssr: ${purpose} needs the package "${missing}", which is not installed: npm install ${missing}`, { cause: error });
  }
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
