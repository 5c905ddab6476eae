import { validate, withApi } from "@/lib/api/handler";
import { searchParamsObject, verificationFiltersSchema } from "@/lib/admin/schemas";
import { streamVerificationsCsv } from "@/lib/admin/verifications";
import { requireAdmin } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { log } from "@/lib/log";
import { otherMethods } from "@/lib/api/methods";

export const dynamic = "force-dynamic";

// GET /api/admin/verifications.csv – the filtered set as CSV, streamed batch by batch (admins only)
export const GET = withApi(async ({ req }) => {
  const admin = await requireAdmin();
  const filters = validate(verificationFiltersSchema, searchParamsObject(new URL(req.url).searchParams));
  const rows = streamVerificationsCsv(admin, await getDb(), filters);
  // The header and the first batch are read before answering: a query the database refuses is an
  // error response here, never a 200 file cut off after its header.
  const ahead: IteratorResult<string>[] = [await rows.next(), await rows.next()];
  const encoder = new TextEncoder();
  // Pull-based: the next batch is read only when the client has taken the previous one.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = ahead.shift() ?? (await rows.next());
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (error) {
        log.error("csv export failed", { error: (error as Error)?.name });
        controller.error(error);
      }
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, "-");
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="verifications-${stamp}.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
