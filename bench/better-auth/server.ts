/**
 * Better Auth served the way its docs recommend for plain Node: node:http + toNodeHandler(auth),
 * its routes under /api/auth (POST /api/auth/phone-number/send-otp, POST /api/auth/phone-number/verify,
 * GET /api/auth/get-session).
 *   BA_DATABASE_URL=… BA_GATEWAY_URL=… PORT=… tsx bench/better-auth/server.ts
 */
import http from "node:http";
import { toNodeHandler } from "better-auth/node";
import { createAuth } from "./auth";

const port = Number(process.env.PORT ?? 3391);
const { auth, pool } = createAuth({
  databaseUrl: process.env.BA_DATABASE_URL ?? "",
  gatewayUrl: process.env.BA_GATEWAY_URL ?? "",
  baseURL: `http://127.0.0.1:${port}`,
  poolSize: Number(process.env.BA_POOL_SIZE ?? 10),
});
const handler = toNodeHandler(auth);

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    pool.query("SELECT 1").then(
      () => res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}'),
      () => res.writeHead(503).end(),
    );
    return;
  }
  void handler(req, res);
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1");

const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
