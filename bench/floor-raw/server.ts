/**
 * The raw floor: bare node:http + pg, doing only the minimum SQL of an OTP cycle (one INSERT per
 * send, one conditional UPDATE per verify). What a cycle costs with no framework and no rules.
 *   FLOOR_DATABASE_URL=… FLOOR_GATEWAY_URL=… PORT=… tsx bench/floor-raw/server.ts
 */
import http from "node:http";
import pg from "pg";
import { floorConfig, INSERT_SQL, insertParams, newCode, readInput, sendSms, VERIFY_SQL, verifyParams } from "../floor-common";

const config = floorConfig();
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolSize });

function reply(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-store" });
  res.end(text);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return null;
  }
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  if (req.method === "GET" && req.url === "/health") {
    await pool.query("SELECT 1");
    return reply(res, 200, { status: "ok" });
  }
  if (req.method !== "POST") return reply(res, 404, { error: "not_found" });
  if (req.url === "/send") {
    const input = readInput(await readJson(req), false);
    if (!input) return reply(res, 400, { error: "validation_error" });
    const c = newCode(config.secret, input.phone);
    await pool.query(INSERT_SQL, insertParams(c));
    if (!(await sendSms(config.gatewayUrl, c.phone, c.code))) return reply(res, 502, { error: "sms_failed" });
    return reply(res, 200, { status: "sent", verificationId: c.id });
  }
  if (req.url === "/verify") {
    const input = readInput(await readJson(req), true);
    if (!input) return reply(res, 400, { error: "validation_error" });
    const { rows } = await pool.query<{ id: string }>(VERIFY_SQL, verifyParams(config.secret, input.phone, input.code));
    return rows[0] ? reply(res, 200, { status: "verified", verificationId: rows[0].id }) : reply(res, 400, { error: "invalid_code" });
  }
  reply(res, 404, { error: "not_found" });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) reply(res, 500, { error: "internal_error" });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 3300), "127.0.0.1");

const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
