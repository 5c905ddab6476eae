/**
 * WhatsApp's Cloud API and Twilio's Calls API as one local server, answering as they do, for the
 * channels server of playwright.config.ts. Its own process (a webServer of the config), so specs on
 * any worker and project read what it received: GET /received lists every request as { path, body }.
 */
import { createServer } from "node:http";

const port = Number(process.argv[2]);
const received: { path: string; body: string }[] = [];

createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString("utf8")));
  req.on("end", () => {
    if (req.method === "GET" && req.url === "/received") {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(received));
      return;
    }
    received.push({ path: req.url ?? "", body });
    const isCall = (req.url ?? "").endsWith("/Calls.json");
    res.writeHead(isCall ? 201 : 200, { "Content-Type": "application/json" });
    res.end(JSON.stringify(isCall ? { sid: `CA${Date.now()}`, status: "queued" } : { messaging_product: "whatsapp", messages: [{ id: `wamid.e2e${Date.now()}` }] }));
  });
}).listen(port, "127.0.0.1");
