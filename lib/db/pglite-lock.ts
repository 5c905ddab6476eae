/**
 * One process per embedded database directory. PGlite keeps PostgreSQL's data files but not its
 * postmaster lock, so two processes on one directory (a second `npm start`, or `npm run admin:add`
 * while the app runs) each write their own view of the files and rows are silently lost.
 *
 * The lock is a kernel file lock on `<dir>.lock` (an open-file-description lock, fcntl F_OFD_SETLK,
 * on Linux; flock on macOS; through fs-native-extensions): granted to one open file at a time,
 * atomically, and dropped by the kernel the instant its holder dies — kill -9, an OOM kill, or a
 * zombie its parent has not reaped yet alike. Nothing guesses whether an owner is alive, so a reused
 * pid or a stale file cannot block a start, and there is no take-over step that could let two in.
 * The file is never removed (unlinking a locked file lets a newcomer lock a second inode); its text,
 * the holder's pid, only serves the error message.
 */
import { closeSync, constants, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import path from "node:path";

export class DatabaseInUseError extends Error {
  constructor(dir: string, pid: number | null) {
    super(
      `the embedded database ${dir} is in use by ${pid === null ? "another process" : `process ${pid}`}: stop that process first ` +
        `(one process per embedded database; use PostgreSQL to run several)`,
    );
    this.name = "DatabaseInUseError";
  }
}

type Locks = typeof import("fs-native-extensions");

// Byte 0 is the ownership lock, held for as long as the owner runs. Bytes 1… guard the pid text:
// the owner holds them exclusively from the instant it owns the file until its pid is written, and
// a refused start reads the pid under a shared lock, so it never reads a dead owner's leftover.
// macOS (flock) locks whole files only: there the owner keeps everything and the pid is read as is.
const hasRangeLocks = process.platform !== "darwin";
const OWNER = [0, 1] as const;
const TEXT = [1, 0] as const; // length 0: to the end of the file and beyond
const PATIENCE_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls a non-blocking lock: the ranges involved are held for microseconds, never across I/O waits. */
async function lockSoon(locks: Locks, fd: number, range: readonly [number, number], shared: boolean): Promise<boolean> {
  for (const deadline = Date.now() + PATIENCE_MS; ; await sleep(2)) {
    if (locks.tryLock(fd, ...range, { shared })) return true;
    if (Date.now() > deadline) return false;
  }
}

async function takeOwnership(locks: Locks, fd: number): Promise<boolean> {
  if (locks.tryLock(fd, 0, 0)) return true; // ownership and text at once: the usual case
  if (!hasRangeLocks || !locks.tryLock(fd, ...OWNER)) return false;
  // The file had no owner, only a refused start reading the text: wait for it to finish.
  await lockSoon(locks, fd, TEXT, false);
  return true;
}

async function readOwner(locks: Locks, fd: number): Promise<number | null> {
  if (hasRangeLocks && !(await lockSoon(locks, fd, TEXT, true))) return null;
  try {
    const buffer = Buffer.alloc(32);
    const text = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString();
    return /^[1-9]\d*\n$/.test(text) ? Number.parseInt(text, 10) : null;
  } finally {
    if (hasRangeLocks) locks.unlock(fd, ...TEXT);
  }
}

/** Takes the lock for `dir` or throws DatabaseInUseError; resolves to the function that releases it. */
export async function lockDataDir(dir: string): Promise<() => void> {
  // Loaded here, not at the top: a PostgreSQL deployment never loads the native addon.
  const locks = await import("fs-native-extensions");
  const file = `${path.resolve(dir)}.lock`;
  // Opened without truncating: until this process owns the file, its text is the owner's.
  const fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o600);
  try {
    if (!(await takeOwnership(locks, fd))) throw new DatabaseInUseError(dir, await readOwner(locks, fd));
    ftruncateSync(fd, 0);
    writeSync(fd, `${process.pid}\n`, 0);
    if (hasRangeLocks) locks.unlock(fd, ...TEXT);
  } catch (error) {
    closeSync(fd); // releases whatever this descriptor held
    throw error;
  }

  let isReleased = false;
  const release = () => {
    if (isReleased) return;
    isReleased = true;
    process.off("exit", release);
    ftruncateSync(fd, 0); // a lock file left by a clean exit names nobody
    closeSync(fd); // closing the only descriptor releases the kernel lock
  };
  process.on("exit", release);
  return release;
}
