export async function runProfile(...args: unknown[]): Promise<boolean> {
  throw new Error(`not implemented yet (${args.length})`);
}
