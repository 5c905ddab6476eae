// The ALTCHA proof of work off the main thread: typing and animations stay smooth while it runs.
import { solveChallenge } from "altcha-lib/v1";

type Work = { challenge: string; salt: string; algorithm: string; max: number };
const scope = self as unknown as { onmessage: ((event: MessageEvent<Work>) => void) | null; postMessage(message: unknown): void };

scope.onmessage = async (event) => {
  const { challenge, salt, algorithm, max } = event.data;
  const solution = await solveChallenge(challenge, salt, algorithm, max).promise;
  scope.postMessage(solution ? { number: solution.number } : null);
};
