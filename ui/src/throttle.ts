/** Runs `fn` at most once per `ms`: at once when idle; a call inside the window runs once at its
 * end, so the last change is never lost. For bursts such as sync progress. */
export function throttle(fn: () => void, ms: number, now: () => number = Date.now): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = Number.NEGATIVE_INFINITY;
  const run = (): void => {
    last = now();
    fn();
  };
  return () => {
    if (timer !== undefined) return;
    const wait = last + ms - now();
    if (wait <= 0) {
      run();
      return;
    }
    timer = setTimeout(() => {
      timer = undefined;
      run();
    }, wait);
  };
}
