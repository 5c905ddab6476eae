"use client";
import { z } from "zod";

// Zod probes `new Function("")` before its first object parse to decide whether to compile
// parsers; under the pages' CSP (no 'unsafe-eval') each probe is a reported violation. Jitless
// mode never probes. Browser only: the server keeps the compiled parsers.
if (typeof window !== "undefined") z.config({ jitless: true });

/** Rendered once in the root layout so the setting is in place before any page parses. */
export function ZodJitless() {
  return null;
}
