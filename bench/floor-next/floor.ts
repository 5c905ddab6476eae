/**
 * The framework floor's two back ends: a pg Pool, and Prisma 7 with @prisma/adapter-pg on the
 * product's generated client. One process runs one variant (the bench calls only its routes), and
 * each client is created on first use, so the pg variant never loads Prisma.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { floorConfig, FLOOR_PURPOSE, type FloorConfig, INSERT_SQL, insertParams, newCode, readInput, sendSms, VERIFY_SQL, verifyParams } from "@/bench/floor-common";
import { PrismaClient } from "@/lib/generated/prisma/client";

const cache = globalThis as unknown as { __floorConfig?: FloorConfig; __floorPg?: pg.Pool; __floorPrisma?: PrismaClient };

// Read at the first request, not at import: `next build` imports the routes without the env.
const config = () => (cache.__floorConfig ??= floorConfig());
const pool = () => (cache.__floorPg ??= new pg.Pool({ connectionString: config().databaseUrl, max: config().poolSize }));
// FLOOR_PG_SCHEMA: the same model against another schema's table (the minimal one-index table, 5c).
const prisma = () =>
  (cache.__floorPrisma ??= new PrismaClient({
    adapter: new PrismaPg({ connectionString: config().databaseUrl, max: config().poolSize }, process.env.FLOOR_PG_SCHEMA ? { schema: process.env.FLOOR_PG_SCHEMA } : undefined),
  }));

const reply = (body: unknown, status = 200) => Response.json(body, { status, headers: { "Cache-Control": "no-store" } });

async function readBody(req: Request): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    return null;
  }
}

export type Variant = "pg" | "prisma";

export async function floorSend(req: Request, variant: Variant): Promise<Response> {
  const input = readInput(await readBody(req), false);
  if (!input) return reply({ error: "validation_error" }, 400);
  const c = newCode(config().secret, input.phone);
  if (variant === "pg") {
    await pool().query(INSERT_SQL, insertParams(c));
  } else {
    await prisma().verification.create({
      data: { id: c.id, phone: c.phone, purpose: FLOOR_PURPOSE, codeHash: c.codeHash, maxAttempts: 5, expiresAt: c.expiresAt, createdAt: c.now, updatedAt: c.now },
      select: { id: true },
    });
  }
  if (!(await sendSms(config().gatewayUrl, c.phone, c.code))) return reply({ error: "sms_failed" }, 502);
  return reply({ status: "sent", verificationId: c.id });
}

export async function floorVerify(req: Request, variant: Variant): Promise<Response> {
  const input = readInput(await readBody(req), true);
  if (!input) return reply({ error: "validation_error" }, 400);
  const [phone, purpose, codeHash, nowIso] = verifyParams(config().secret, input.phone, input.code);
  let verified: boolean;
  if (variant === "pg") {
    verified = (await pool().query(VERIFY_SQL, [phone, purpose, codeHash, nowIso])).rowCount === 1;
  } else {
    const now = new Date(nowIso);
    const { count } = await prisma().verification.updateMany({
      where: { phone, purpose, status: "pending", codeHash, expiresAt: { gt: now } },
      data: { status: "verified", verifiedAt: now, updatedAt: now },
    });
    verified = count === 1;
  }
  return verified ? reply({ status: "verified" }) : reply({ error: "invalid_code" }, 400);
}

export async function floorHealth(): Promise<Response> {
  await pool().query("SELECT 1");
  return reply({ status: "ok" });
}
