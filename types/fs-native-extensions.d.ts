// fs-native-extensions ships no types: the calls lib/db/pglite-lock.ts makes.
declare module "fs-native-extensions" {
  /** Exclusive (or shared) kernel lock on `length` bytes from `offset` (0 = to the end): false if another open file holds a conflicting one. */
  export function tryLock(fd: number, offset: number, length: number, options?: { shared?: boolean }): boolean;
  export function unlock(fd: number, offset: number, length: number): void;
}
