/**
 * A fake mShastra gateway for the benchmarks: real HTTP on 127.0.0.1, answering like the JSON API
 * (POST [{user,pwd,number,sender,msg,language}] → [{"msg_id","number","str_response":"Send Successful"}]).
 * It remembers the last code per number so the load driver can read it back, and its behaviour can
 * be switched at run time (POST /mode) to failing, slow and HTML answers for the fault runs.
 *
 *   tsx bench/fake-mshastra.ts [--port 0]   prints {"port":…} on stdout once listening
 *   GET  /last-code?number=2557…             → {"code":"123456"} or 404
 *   POST /mode {"mode":"ok"|"fail"|"slow"|"html","delayMs"?:n}
 *   GET  /stats                              → counters, current and peak in-flight requests
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

export type GatewayMode = "ok" | "fail" | "slow" | "html";
const MODES: GatewayMode[] = ["ok", "fail", "slow", "html"];

export type FakeMshastra = { url: string; port: number; close(): Promise<void> };

const CODE_IN_TEXT = /(?<!\d)(\d{4,10})(?!\d)/;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown, type = "application/json") {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

export function startFakeMshastra(port = 0): Promise<FakeMshastra> {
  const codes = new Map<string, string>();
  let mode: GatewayMode = "ok";
  let delayMs = 0;
  let nextId = 1;
  const stats = { smsRequests: 0, smsOk: 0, smsFailed: 0, inFlight: 0, peakInFlight: 0, modeChanges: [] as { at: string; mode: GatewayMode; delayMs: number }[] };

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (req.method === "GET" && url.pathname === "/last-code") {
        const code = codes.get((url.searchParams.get("number") ?? "").replace(/^\+/, ""));
        return code ? send(res, 200, { code }) : send(res, 404, { error: "no code for this number" });
      }
      if (req.method === "GET" && url.pathname === "/stats") return send(res, 200, { mode, delayMs, ...stats });
      if (req.method === "POST" && url.pathname === "/mode") {
        const body = JSON.parse((await readBody(req)) || "{}") as { mode?: GatewayMode; delayMs?: number; resetPeak?: boolean };
        if (!body.mode || !MODES.includes(body.mode)) return send(res, 400, { error: `mode must be one of ${MODES.join(", ")}` });
        mode = body.mode;
        delayMs = Math.max(0, Number(body.delayMs ?? (mode === "slow" ? 5_000 : 0)));
        if (body.resetPeak) stats.peakInFlight = stats.inFlight;
        stats.modeChanges.push({ at: new Date().toISOString(), mode, delayMs });
        return send(res, 200, { mode, delayMs });
      }
      if (req.method === "POST" && url.pathname !== "/mode") return await answerSms(req, res);
      send(res, 404, { error: "not found" });
    } catch (error) {
      if (!res.headersSent) send(res, 500, { error: (error as Error).message });
    }
  });

  async function answerSms(req: http.IncomingMessage, res: http.ServerResponse) {
    stats.smsRequests++;
    stats.inFlight++;
    stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
    let closed = false;
    res.on("close", () => {
      if (!closed) stats.inFlight--;
      closed = true;
    });
    const raw = await readBody(req);
    const current = mode;
    if (current === "slow" && delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    if (current === "fail") {
      stats.smsFailed++;
      return send(res, 503, "Service Unavailable", "text/plain");
    }
    if (current === "html") {
      stats.smsFailed++;
      return send(res, 200, "<html><head><title>Maintenance</title></head><body>Down for maintenance</body></html>", "text/html");
    }
    let entries: { number?: string; msg?: string }[];
    try {
      const parsed: unknown = JSON.parse(raw);
      entries = Array.isArray(parsed) ? parsed : [parsed as { number?: string; msg?: string }];
    } catch {
      return send(res, 200, [{ str_response: "Invalid message" }]);
    }
    const answer = entries.map((e) => {
      const number = String(e.number ?? "").replace(/^\+/, "");
      const code = CODE_IN_TEXT.exec(String(e.msg ?? ""))?.[1];
      if (!number || !code) return { str_response: "Invalid Mobile No" };
      codes.set(number, code);
      return { msg_id: String(nextId++), number, str_response: "Send Successful" };
    });
    stats.smsOk++;
    send(res, 200, answer);
  }

  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port: actual } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${actual}`,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

// Run as a child process by bench/run.ts, so its CPU is not charged to the driver.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "0" } } });
  startFakeMshastra(Number(values.port)).then((g) => {
    process.stdout.write(`${JSON.stringify({ port: g.port })}\n`);
    const stop = () => g.close().then(() => process.exit(0));
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}
