import { useEffect, useState } from 'preact/hooks';

/** Disabled until hydrated, so a click before the script runs is never lost silently. */
export default function Counter({ start = 0 }: { start?: number }) {
  const [count, setCount] = useState(start);
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  return (
    <div class="counter">
      <button type="button" disabled={!ready} onClick={() => setCount((n) => n + 1)}>
        Add one
      </button>
      <output aria-live="polite">{count}</output>
    </div>
  );
}
