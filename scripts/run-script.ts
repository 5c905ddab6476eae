import { EnvError } from "../lib/env";

/** Runs a CLI script: one-line errors instead of stack traces, and an explicit exit (PGlite and
 * the wasm schema engine keep timers alive after close). */
export function runScript(main: () => Promise<void>) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof EnvError) console.error(error.message);
      else console.error(`Error: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}`);
      process.exit(1);
    },
  );
}
