/**
 * Next.js gives route handlers no socket address, and it only fills X-Forwarded-For when the client
 * did not send one — so that header is spoofable. At server start we stamp every incoming request
 * with the socket's address in a header of our own, overwriting anything a client sent.
 */
import http from "node:http";

export const SOCKET_IP_HEADER = "x-otp-socket-ip";

const globalForPatch = globalThis as unknown as { __otpSocketIpInstalled?: boolean };

export function installSocketIpHeader() {
  if (globalForPatch.__otpSocketIpInstalled) return;
  globalForPatch.__otpSocketIpInstalled = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function patchedEmit(this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      req.headers[SOCKET_IP_HEADER] = req.socket?.remoteAddress ?? "";
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
}
