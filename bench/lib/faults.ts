export async function runFaults(...args: unknown[]): Promise<boolean> {
  throw new Error(`not implemented yet (${args.length})`);
}
