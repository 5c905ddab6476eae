/**
 * One process per embedded database directory. PGlite keeps PostgreSQL's data files but not its
 * postmaster lock, so two processes on one directory (a second `npm start`, or `npm run admin:add`
 * while the app runs) each write their own view of the files and rows are silently lost.
 * The lock is a file beside the directory holding the owner's pid; a lock left by a process that
 * died (kill -9, power loss) is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

export class DatabaseInUseError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `the embedded database ${dir} is in use by process ${pid}: stop that process first ` +
        `(one process per embedded database; use PostgreSQL to run several)`,
    );
    this.name = "DatabaseInUseError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Takes the lock for `dir` or throws DatabaseInUseError; returns the function that releases it. */
export function lockDataDir(dir: string): () => void {
  const file = `${path.resolve(dir)}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 2) throw error;
      const owner = readOwner(file);
      // Re-entrant within one process: the process-wide client cache guarantees a single opener.
      if (owner === process.pid) return () => {};
      if (owner !== null && isAlive(owner)) throw new DatabaseInUseError(dir, owner);
      try {
        unlinkSync(file); // stale: its owner is gone
      } catch {
        // another process cleared it first: try again
      }
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    if (readOwner(file) === process.pid) unlinkSync(file);
  };
  process.on("exit", release);
  return release;
}
