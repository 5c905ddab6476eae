/**
 * Answers for the HTTP methods a route does not implement. Without them Next.js replies 405 with
 * an empty body and no `Allow` header; ours use the API's error shape and name the allowed methods
 * (RFC 9110 requires `Allow` on a 405). OPTIONS is answered too, so Next's own OPTIONS does not
 * list these stand-ins as allowed.
 */
import { AppError } from "./errors";
import { json } from "./handler";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
const ALL: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

type Refusal = (method: string, allowed: Method[]) => unknown;

/** The API's error shape. */
const apiRefusal: Refusal = (method, allowed) =>
  new AppError("method_not_allowed", `${method} is not supported here. Use ${allowed.join(" or ")}.`).toBody();

/** What Django REST framework answered on the seed's routes. */
export const seedRefusal: Refusal = (method) => ({ detail: `Method "${method}" not allowed.` });

const refusals = new WeakSet<object>();

/** True for a handler made by otherMethods() (the route test walks every route file with it). */
export function isMethodRefusal(handler: unknown): boolean {
  return typeof handler === "function" && refusals.has(handler);
}

export function otherMethods(allowed: Method[], body: Refusal = apiRefusal) {
  const allow = [...allowed, ...(allowed.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const refuse = async (req: Request) => json(body(req.method, allowed), { status: 405, headers: { Allow: allow } });
  refusals.add(refuse);
  const handlers: Partial<Record<Method | "OPTIONS", (req: Request) => Promise<Response>>> = {
    OPTIONS: async () => new Response(null, { status: 204, headers: { Allow: allow } }),
  };
  for (const method of ALL) if (!allowed.includes(method)) handlers[method] = refuse;
  return handlers as Record<Method | "OPTIONS", (req: Request) => Promise<Response>>;
}
