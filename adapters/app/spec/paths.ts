// OpenAPI path templates on the router, and the preparers that turn
// serialized parameters (delimited arrays, renamed params) into what the
// schemas check.

/** "/pets/{petId}" → the router's "/pets/:petId" (names the router cannot hold get an alias, renamed back before validation). */
export function routerPath(template: string, where: string): { path: string; aliases: Array<[string, string]> } {
  const aliases: Array<[string, string]> = [];
  let path = '';
  let last = -1;
  for (const match of template.matchAll(/\{([^}]*)\}|([^{]+)/g)) {
    if (match[1] !== undefined) {
      if (last === match.index) throw new Error(`wirecore/app: ${where}: two path parameters touch in ${template}; the router cannot tell where one ends`);
      const name = match[1];
      let key = name;
      if (!/^[A-Za-z0-9_]+$/.test(name)) {
        key = `p${aliases.length}_`;
        aliases.push([key, name]);
      }
      path += `:${key}`;
      last = match.index + match[0].length;
    } else {
      const text = match[2]!;
      if (text.includes('*')) throw new Error(`wirecore/app: ${where}: ${template} has a "*", which the router reads as a wildcard`);
      path += text.replaceAll(':', '::');
    }
  }
  return { path, aliases };
}

export type Preparer = (value: Record<string, unknown>) => void;

export function chain(steps: Preparer[]): Preparer | undefined {
  if (steps.length === 0) return undefined;
  return (value) => {
    for (const step of steps) step(value);
  };
}

export const splitter = (name: string, separator: string | RegExp): Preparer => (value) => {
  const v = value[name];
  if (typeof v === 'string') value[name] = v === '' ? [] : v.split(separator);
};
