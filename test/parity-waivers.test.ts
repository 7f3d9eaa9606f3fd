// The built-in waivers cover a case only where the target needs them: a cell
// named in a waiver's `except` is judged by the rule, so a regression there fails.
import { describe, expect, it } from 'vitest';
import { CASES } from '../parity/cases/index.js';
import { TARGETS, type TargetSpec } from '../parity/targets.js';
import { Waivers } from '../parity/waivers.js';

const waivers = Waivers.builtIn();
const target = (name: string, runtime: string): TargetSpec => ({ name, runtime, reference: false });
const byId = (id: string) => {
  const found = CASES.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no case ${id}`);
  return found;
};

describe('built-in waivers and their exceptions', () => {
  it('waives a tagged case on uws, but not one uws now answers by the rule', () => {
    const uws = target('uws', 'uws');
    expect(waivers.waivedBy(byId('cl-negative'), uws)).toEqual(['reject-status']);
    expect(waivers.waivedBy(byId('cl-empty'), uws)).toEqual([]);
    expect(waivers.waivedBy(byId('cl-empty'), target('app/uws', 'uws'))).toEqual([]);
  });

  it('keeps an exception to the targets it names', () => {
    expect(waivers.waivedBy(byId('fields-order'), target('uws', 'uws'))).toEqual(['header-name-case']);
    expect(waivers.waivedBy(byId('fields-order'), target('hono/uws', 'uws'))).toEqual([]);
    expect(waivers.waivedBy(byId('target-asterisk-get'), target('hono/net', 'net'))).toEqual([]);
    expect(waivers.waivedBy(byId('target-asterisk-get'), target('uws', 'uws'))).toEqual(['asterisk-form']);
  });

  it('excepts only cases the waiver covers, on targets it names', () => {
    for (const entry of waivers.entries) {
      const covered = waivers.casesOf(entry, CASES);
      for (const [id, on] of Object.entries(entry.except ?? {})) {
        expect(covered, `${entry.name} except ${id}`).toContain(id);
        for (const name of on) {
          const spec = TARGETS.find((t) => t.name === name);
          const named = entry.targets.includes(name) || (spec !== undefined && entry.targets.includes(spec.runtime));
          expect(named, `${entry.name} except ${id} on ${name}: not a target the waiver applies to`).toBe(true);
        }
      }
    }
  });

  it('never waives anything for a reference target', () => {
    expect(waivers.waivedBy(byId('cl-negative'), { name: 'ref: uWS', runtime: 'uws', reference: true })).toEqual([]);
  });
});
