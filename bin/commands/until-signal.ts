// Long-running verbs (`san up`, `mover serve`) run until SIGINT or SIGTERM: the run function gets a
// promise that resolves on the first of them and shuts down in its own time.

/** Run `serve` with a promise that resolves at the first SIGINT/SIGTERM; the handlers are removed after. */
export async function untilSignal(serve: (stop: Promise<void>) => Promise<void>): Promise<void> {
  let release: () => void = () => undefined;
  const stop = new Promise<void>((resolve) => {
    release = resolve;
  });
  const onSignal = (): void => release();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await serve(stop);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
