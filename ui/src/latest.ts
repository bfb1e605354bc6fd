/** Runs `load` on each call and hands its answer to `show`, or its failure to `failed`; an
 * answer that arrives after a newer call was made is dropped, so a slower earlier answer never
 * replaces a newer one. The returned promise settles when this call's answer was handled. */
export function latestOnly<T>(load: () => Promise<T>, show: (value: T) => void, failed: (err: unknown) => void): () => Promise<void> {
  let ticket = 0;
  return async () => {
    const mine = ++ticket;
    let value: T;
    try {
      value = await load();
    } catch (err) {
      if (mine === ticket) failed(err);
      return;
    }
    if (mine === ticket) show(value);
  };
}
