/**
 * Counts database round trips without touching the server's code: a TCP proxy in front of
 * PostgreSQL that reads the frontend protocol. A simple Query ('Q') or an extended-protocol Sync
 * ('S', which ends Parse/Bind/Execute) is one round trip; the statement text comes from 'Q' or the
 * Parse ('P') before the Sync. Works for pg, @prisma/adapter-pg and anything else that speaks v3.
 */
import net from "node:net";

export type Statement = { conn: number; at: number; sql: string };

export type PgCountProxy = {
  port: number;
  roundTrips(): number;
  /** Statements since the last reset (text normalised, first 160 characters). */
  statements: Statement[];
  reset(): void;
  close(): Promise<void>;
};

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

export function normaliseSql(sql: string): string {
  return sql.replace(/\s+/g, " ").trim().slice(0, 400);
}

export function startPgCountProxy(upstream: { host: string; port: number }): Promise<PgCountProxy> {
  let trips = 0;
  let connId = 0;
  const statements: Statement[] = [];
  const t0 = performance.now();
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const id = ++connId;
    const db = net.connect(upstream.port, upstream.host);
    sockets.add(client);
    sockets.add(db);
    let buf: Buffer = Buffer.alloc(0);
    let startup = true;
    let pending: string[] = [];
    const record = (sql: string) => statements.push({ conn: id, at: performance.now() - t0, sql: normaliseSql(sql) });

    client.on("data", (chunk: Buffer) => {
      db.write(chunk);
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (startup) {
          if (buf.length < 8) break;
          const len = buf.readInt32BE(0);
          if (buf.length < len) break;
          const code = buf.readInt32BE(4);
          buf = buf.subarray(len);
          if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) startup = false;
          continue;
        }
        if (buf.length < 5) break;
        const type = String.fromCharCode(buf[0]);
        const len = buf.readInt32BE(1);
        if (buf.length < len + 1) break;
        const body = buf.subarray(5, len + 1);
        buf = buf.subarray(len + 1);
        if (type === "Q") {
          trips++;
          record(body.toString("utf8", 0, Math.max(0, body.indexOf(0))));
        } else if (type === "P") {
          const nameEnd = body.indexOf(0);
          const queryEnd = body.indexOf(0, nameEnd + 1);
          pending.push(body.toString("utf8", nameEnd + 1, queryEnd));
        } else if (type === "S") {
          trips++;
          record(pending.length ? pending.join(" ; ") : "(execute prepared)");
          pending = [];
        }
      }
    });
    db.on("data", (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      db.destroy();
      sockets.delete(client);
      sockets.delete(db);
    };
    client.on("close", end);
    db.on("close", end);
    client.on("error", end);
    db.on("error", end);
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        port,
        roundTrips: () => trips,
        statements,
        reset() {
          trips = 0;
          statements.length = 0;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
