// A prerendered page, for the SSR cases. No JSX and no renderer import: tsc
// compiles this folder with the rest of parity/, and a component may return text.
export const prerender = true;
export const head = { title: 'Prerendered' };

export default function Prerendered() {
  return 'rendered at start';
}
