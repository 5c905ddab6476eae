// Deliberately empty. Without a file here, `next build` in the copy under data/ picks up the
// product's instrumentation.ts from the repository root (its Turbopack root) and runs its startup.
export function register() {}
