export async function runSoak(...args: unknown[]): Promise<boolean> {
  throw new Error(`not implemented yet (${args.length})`);
}
