/**
 * docs/seed-compat.md, row by row: each row's request sent to the seed routes, its answer checked.
 * The SMS gateway is a real local server speaking mShastra's API, so "sent" means an HTTP request
 * carrying the code reached it, and "nothing sent" means none did.
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { findCode } from "@/lib/sms/console";
import { reply, spyOnLogs, startFakeGateway } from "@/lib/sms/test-gateway";
import { openDatabase } from "@/lib/db/connection";
import { describeEachDatabase, uniquePhone } from "@/test/db";
import { stubRouteEnv, useDatabaseForRoutes } from "@/test/routes";

const NO_CREDIT = new Set<string>();
const REFUSING = new Set<string>();
const DROPPING = new Set<string>();
const gateway = await startFakeGateway((req, res) => {
  const number = String(JSON.parse(req.body)[0].number);
  // 503: the gateway proves it took nothing; a dropped connection after the request: it may have.
  if (REFUSING.has(number)) return void reply(res, 503, "Service Unavailable");
  if (DROPPING.has(number)) return void res.destroy();
  const words = NO_CREDIT.has(number) ? "No More Credits" : "Send Successful";
  reply(res, 200, JSON.stringify([{ msg_id: words === "Send Successful" ? "880001" : "", number, str_response: words }]));
});
afterAll(() => gateway.close());

// The guide's code length; limits small enough to reach; a fixed code with a leading zero (test number).
const ZERO_PHONE = "+255700000598";
stubRouteEnv({
  OTP_LENGTH: "4",
  OTP_TEST_NUMBERS: `${ZERO_PHONE}:0598`,
  SMS_PROVIDER: "mshastra",
  MSHASTRA_API_URL: `${gateway.url}/sendsms_api_json.aspx`,
  MSHASTRA_USER: "user",
  MSHASTRA_PASSWORD: "secret-password",
  MSHASTRA_SENDER: "App",
  SMS_MAX_RETRIES: "0",
  SMS_TIMEOUT_MS: "2000",
  OTP_RESEND_COOLDOWN_SECONDS: "30",
  OTP_MAX_SENDS_PER_PHONE_PER_HOUR: "3",
  OTP_MAX_SENDS_PER_IP_PER_HOUR: "3",
  OTP_MAX_VERIFY_PER_IP_PER_HOUR: "3",
  TRUST_PROXY: "1",
});
const sendRoute = (await import("./send-otp/route")).POST;
const verifyRoute = (await import("./verify-otp/route")).POST;
const sendRouteModule = await import("./send-otp/route");

let ipCounter = 0;
/** A fresh client address per request unless one is given: the per-IP limits apply only where a row tests them. */
const freshIp = () => `198.51.${(ipCounter >> 8) & 255}.${ipCounter++ & 255}`;

type Options = { type?: string | null; ip?: string; path?: string; headers?: Record<string, string> };

function request(path: string, body: BodyInit | null, opts: Options = {}): Request {
  const headers = new Headers({ "X-Forwarded-For": opts.ip ?? freshIp(), ...opts.headers });
  if (opts.type !== undefined) {
    if (opts.type === null) headers.delete("content-type");
    else headers.set("content-type", opts.type);
  } else if (typeof body === "string") headers.set("content-type", "application/json");
  const req = new Request(`http://localhost:8000${path}`, { method: "POST", headers, body });
  // new Request() adds text/plain to a string body; the `no Content-Type` case removes it again.
  if (opts.type === null) req.headers.delete("content-type");
  return req;
}

const send = (body: BodyInit | object | null, opts: Options = {}) =>
  sendRoute(request(opts.path ?? "/api/users/send-otp/", isBody(body) ? body : JSON.stringify(body), opts));
const verify = (body: BodyInit | object | null, opts: Options = {}) =>
  verifyRoute(request(opts.path ?? "/api/users/verify-otp/", isBody(body) ? body : JSON.stringify(body), opts));

function isBody(body: unknown): body is BodyInit | null {
  return body === null || typeof body === "string" || body instanceof FormData || body instanceof Uint8Array;
}

async function answer(res: Response) {
  return { status: res.status, body: await res.text() };
}

const digits = (phone: string) => phone.replace(/\D/g, "");
const smsTo = (phone: string) => gateway.requests.filter((r) => String(JSON.parse(r.body)[0].number).replace(/\D/g, "") === digits(phone));
function codeSentTo(phone: string): string {
  const sms = smsTo(phone).at(-1);
  const code = sms && findCode(JSON.parse(sms.body)[0].msg);
  if (!code) throw new Error(`no SMS to ${phone}`);
  return code;
}
const wrongCode = (code: string) => (code === "1111" ? "2222" : "1111");

const SENT = { status: 200, body: '{"message":"OTP sent successfully","status":"success"}' };
const VERIFIED = { status: 200, body: '{"message":"OTP verified successfully","status":"success","verified":true}' };
const verifyError = (status: number, message: string) => ({ status, body: JSON.stringify({ message, status: "error", verified: false }) });
const INVALID = verifyError(400, "Invalid OTP code");
const TOO_MANY = { status: 429, body: '{"message":"Too many OTP requests. Please try again later."}' };
const SEND_FAILED = { status: 500, body: '{"message":"Failed to send OTP. Please try again.","status":"error"}' };

/** A code sent through the guide's send request; returns it as the gateway received it. */
async function sendCode(phone = uniquePhone()) {
  expect(await answer(await send({ phone: phone.slice(1), verification_type: "Login" }))).toEqual(SENT);
  return { phone, code: codeSentTo(phone) };
}

describeEachDatabase("docs/seed-compat.md, every row", (database) => {
  useDatabaseForRoutes(database);
  /** Moves a phone's codes back in time, past the resend cooldown (and, with `expire`, past their lifetime). */
  const age = (phone: string, seconds: number, expire = false) =>
    database().db.verification.updateMany({
      where: { phone },
      data: { createdAt: new Date(Date.now() - seconds * 1000), ...(expire ? { expiresAt: new Date(Date.now() - 1000) } : {}) },
    });

  const ROWS: Record<string, [name: string, run: () => Promise<void>]> = {
    send: [
      "answers the guide's send curl with its exact body, and the SMS carries the code",
      async () => {
        const phone = "+255694230173";
        expect(await answer(await send('{"phone": "255694230173", "verification_type": "Login"}'))).toEqual(SENT);
        expect(codeSentTo(phone)).toMatch(/^\d{4}$/);
      },
    ],
    verify: [
      "verifies the right code with the guide's exact body",
      async () => {
        const { phone, code } = await sendCode();
        expect(await answer(await verify(`{"phone": "${phone.slice(1)}", "otp": "${code}", "verification_type": "Login"}`))).toEqual(VERIFIED);
      },
    ],
    "verify-wrong": [
      "answers a code that is not the code with Invalid OTP code",
      async () => {
        const { phone, code } = await sendCode();
        const wrong = code === "1234" ? "4321" : "1234";
        expect(await answer(await verify({ phone: phone.slice(1), otp: wrong, verification_type: "Login" }))).toEqual(INVALID);
      },
    ],
    "verify-used": [
      "answers Invalid OTP code when a verified code is sent again",
      async () => {
        const { phone, code } = await sendCode();
        expect(await answer(await verify({ phone: phone.slice(1), otp: code }))).toEqual(VERIFIED);
        expect(await answer(await verify({ phone: phone.slice(1), otp: code }))).toEqual(INVALID);
      },
    ],
    "verify-expired": [
      "answers an expired code with the guide's message",
      async () => {
        const { phone, code } = await sendCode();
        await age(phone, 400, true);
        expect(await answer(await verify({ phone: phone.slice(1), otp: code }))).toEqual(verifyError(400, "OTP code has expired. Please request a new one."));
      },
    ],
    "send-no-phone": [
      "answers Phone number is required for a missing or blank phone",
      async () => {
        for (const body of ["{}", '{"phone": "   "}']) expect(await answer(await send(body))).toEqual({ status: 400, body: '{"message":"Phone number is required"}' });
      },
    ],
    "send-bad-phone": [
      "answers Invalid phone number format, sending nothing",
      async () => {
        const before = gateway.requests.length;
        expect(await answer(await send({ phone: "12ab" }))).toEqual({ status: 400, body: '{"message":"Invalid phone number format"}' });
        expect(gateway.requests.length).toBe(before);
      },
    ],
    "accept-language": [
      "keeps the guide's English bytes whatever Accept-Language asks for",
      async () => {
        for (const language of ["sw", "ar", "fr-FR, fr;q=0.9"]) {
          const headers = { "Accept-Language": language };
          expect(await answer(await send({ phone: "12ab" }, { headers }))).toEqual({ status: 400, body: '{"message":"Invalid phone number format"}' });
          expect(await answer(await verify({ otp: "1234" }, { headers }))).toEqual(verifyError(400, "Phone number is required"));
          const unknownPurpose = await answer(await send({ phone: uniquePhone(), verification_type: "Nope" }, { headers }));
          expect(unknownPurpose).toEqual({ status: 400, body: '{"message":"Unknown purpose. Use one of: Login, Registration.","status":"error"}' });
        }
      },
    ],
    "verify-no-phone": [
      "answers Phone number is required on verify",
      async () => expect(await answer(await verify({ otp: "1234" }))).toEqual(verifyError(400, "Phone number is required")),
    ],
    "verify-no-otp": [
      "answers OTP code is required",
      async () => expect(await answer(await verify({ phone: "255694230173" }))).toEqual(verifyError(400, "OTP code is required")),
    ],
    "verify-not-numeric": [
      "answers OTP must be numeric for letters in the code",
      async () => expect(await answer(await verify({ phone: "255694230173", otp: "12a4" }))).toEqual(verifyError(400, "OTP must be numeric")),
    ],
    "send-sms-failed": [
      "answers the guide's 500 when the gateway refuses the message, and stores the verification as failed",
      async () => {
        const phone = uniquePhone();
        REFUSING.add(digits(phone));
        expect(await answer(await send({ phone: phone.slice(1) }))).toEqual(SEND_FAILED);
        expect((await database().db.verification.findFirstOrThrow({ where: { phone } })).status).toBe("failed");
      },
    ],
    "send-sms-unconfirmed": [
      "answers success when the gateway drops the connection after the request (the SMS may be on its way), keeping the code pending",
      async () => {
        const phone = uniquePhone();
        DROPPING.add(digits(phone));
        expect(await answer(await send({ phone: phone.slice(1) }))).toEqual({ status: 200, body: JSON.stringify({ message: "OTP sent successfully", status: "success" }) });
        const row = await database().db.verification.findFirstOrThrow({ where: { phone } });
        expect({ status: row.status, smsStatus: row.smsStatus }).toEqual({ status: "pending", smsStatus: "unconfirmed" });
      },
    ],
    method: [
      "answers other methods with DRF's 405 body and an Allow header",
      async () => {
        for (const method of ["GET", "PUT", "PATCH", "DELETE"] as const) {
          const res = await sendRouteModule[method](new Request("http://localhost/api/users/send-otp/", { method }));
          expect(await answer(res)).toEqual({ status: 405, body: JSON.stringify({ detail: `Method "${method}" not allowed.` }) });
          expect(res.headers.get("allow")).toBe("POST, OPTIONS");
        }
      },
    ],
    "leading-zero": [
      "matches code 0598 given as 598 (JSON number), \"598\", \"0598\" or \"00598\", and a wrong value still spends an attempt",
      async () => {
        const phone = ZERO_PHONE.slice(1);
        for (const otp of [598, "598", "0598", "00598", " 598 "]) {
          await age(ZERO_PHONE, 60);
          expect(await answer(await send({ phone }))).toEqual(SENT);
          expect(await answer(await verify({ phone, otp })), String(otp)).toEqual(VERIFIED);
        }
        await age(ZERO_PHONE, 60);
        await send({ phone });
        for (const otp of ["5980", "10598", "0599"]) expect(await answer(await verify({ phone, otp }))).toEqual(INVALID);
        const row = await database().db.verification.findFirstOrThrow({ where: { phone: ZERO_PHONE, status: "pending" } });
        expect(row.attempts).toBe(3);
        await database().db.verification.updateMany({ where: { phone: ZERO_PHONE }, data: { status: "superseded" } });
      },
    ],
    multipart: [
      "reads multipart/form-data bodies (curl -F, FormData) on both routes, ignoring file parts",
      async () => {
        const phone = uniquePhone();
        const form = new FormData();
        form.set("phone", phone.slice(1));
        form.set("verification_type", "Login");
        expect(await answer(await send(form, { type: undefined }))).toEqual(SENT);
        const check = new FormData();
        check.set("phone", phone.slice(1));
        check.set("otp", new Blob([codeSentTo(phone)]), "otp.txt"); // a file: not a field in DRF either
        expect(await answer(await verify(check))).toEqual(verifyError(400, "OTP code is required"));
        check.set("otp", codeSentTo(phone));
        expect(await answer(await verify(check))).toEqual(VERIFIED);
      },
    ],
    "unsupported-type": [
      "answers DRF's Unsupported media type 500 for text/plain, +json and missing types, and sends nothing",
      async () => {
        const phone = uniquePhone();
        const body = JSON.stringify({ phone: phone.slice(1), otp: "1234" });
        for (const type of ["text/plain;charset=UTF-8", "application/vnd.api+json", "text/html", null]) {
          const echoed = type ?? "";
          expect(await answer(await send(body, { type }))).toEqual({
            status: 500,
            body: JSON.stringify({ message: `Error sending OTP: Unsupported media type "${echoed}" in request.`, status: "error" }),
          });
          expect(await answer(await verify(body, { type }))).toEqual(verifyError(500, `Error verifying OTP: Unsupported media type "${echoed}" in request.`));
        }
        expect(smsTo(phone)).toHaveLength(0);
        expect(await database().db.verification.count({ where: { phone } })).toBe(0);
        // Parameters do not matter; "*/*" is read as JSON, as DRF's first parser takes it.
        expect(await answer(await send(body, { type: "Application/JSON; charset=utf-8" }))).toEqual(SENT);
      },
    ],
    "unicode-digits": [
      "verifies a code written in Arabic-Indic or Persian digits",
      async () => {
        for (const zero of [0x660, 0x6f0, 0x966]) {
          const { phone, code } = await sendCode();
          const otp = code.replace(/\d/g, (d) => String.fromCodePoint(zero + Number(d)));
          expect(await answer(await verify({ phone: phone.slice(1), otp }))).toEqual(VERIFIED);
        }
      },
    ],
    "unicode-phone": [
      "sends to and verifies a phone written in Arabic-Indic digits",
      async () => {
        const phone = uniquePhone();
        const arabic = `+${phone.slice(1).replace(/\d/g, (d) => String.fromCodePoint(0x660 + Number(d)))}`;
        expect(await answer(await send({ phone: arabic }))).toEqual(SENT);
        expect(await answer(await verify({ phone: arabic, otp: codeSentTo(phone) }))).toEqual(VERIFIED);
      },
    ],
    cooldown: [
      "answers a resend within the cooldown with the guide's 429 body and Retry-After",
      async () => {
        const { phone } = await sendCode();
        const res = await send({ phone: phone.slice(1) });
        expect(await answer(res)).toEqual(TOO_MANY);
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(20);
        expect(smsTo(phone)).toHaveLength(1);
      },
    ],
    "phone-limit": [
      "answers 429 with Retry-After once a phone has had its sends for the hour",
      async () => {
        const { phone } = await sendCode();
        for (let i = 0; i < 2; i++) {
          await age(phone, 60);
          expect(await answer(await send({ phone: phone.slice(1) }))).toEqual(SENT);
        }
        await age(phone, 60);
        const res = await send({ phone: phone.slice(1) });
        expect(await answer(res)).toEqual(TOO_MANY);
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      },
    ],
    "ip-limit": [
      "answers 429 with Retry-After once a client address has had its sends or verifies for the hour",
      async () => {
        const ip = freshIp();
        for (let i = 0; i < 3; i++) expect(await answer(await send({ phone: uniquePhone().slice(1) }, { ip }))).toEqual(SENT);
        const res = await send({ phone: uniquePhone().slice(1) }, { ip });
        expect(await answer(res)).toEqual(TOO_MANY);
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
        const verifyIp = freshIp();
        for (let i = 0; i < 3; i++) await verify({ phone: uniquePhone().slice(1), otp: "1234" }, { ip: verifyIp });
        const refused = await verify({ phone: uniquePhone().slice(1), otp: "1234" }, { ip: verifyIp });
        expect(await answer(refused)).toEqual(verifyError(429, "Too many OTP requests. Please try again later."));
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      },
    ],
    "attempt-lock": [
      "refuses even the right code after five wrong ones",
      async () => {
        const { phone, code } = await sendCode();
        for (let i = 0; i < 5; i++) await verify({ phone: phone.slice(1), otp: wrongCode(code) });
        expect(await answer(await verify({ phone: phone.slice(1), otp: code }))).toEqual(
          verifyError(400, "Too many invalid attempts. Please request a new OTP."),
        );
      },
    ],
    superseded: [
      "refuses the first code once a second one was sent",
      async () => {
        const { phone, code: first } = await sendCode();
        await age(phone, 60);
        await sendCode(phone);
        const second = codeSentTo(phone);
        if (first !== second) expect(await answer(await verify({ phone: phone.slice(1), otp: first }))).toEqual(INVALID);
        expect(await answer(await verify({ phone: phone.slice(1), otp: second }))).toEqual(VERIFIED);
      },
    ],
    national: [
      "accepts a number in national format and sends to its E.164 form",
      async () => {
        const phone = uniquePhone();
        expect(await answer(await send({ phone: `0${phone.slice(4)}` }))).toEqual(SENT);
        expect(smsTo(phone)).toHaveLength(1);
      },
    ],
    landline: [
      "refuses a landline with Invalid phone number format, sending nothing",
      async () => {
        const before = gateway.requests.length;
        expect(await answer(await send({ phone: "+255222111111" }))).toEqual({ status: 400, body: '{"message":"Invalid phone number format"}' });
        expect(gateway.requests.length).toBe(before);
      },
    ],
    "verify-bad-phone": [
      "answers Invalid phone number format on verify too",
      async () => expect(await answer(await verify({ phone: "12ab", otp: "1234" }))).toEqual(verifyError(400, "Invalid phone number format")),
    ],
    purpose: [
      "refuses a purpose outside OTP_PURPOSES",
      async () =>
        expect(await answer(await send({ phone: uniquePhone().slice(1), verification_type: "Admin" }))).toEqual({
          status: 400,
          body: '{"message":"Unknown purpose. Use one of: Login, Registration.","status":"error"}',
        }),
    ],
    "too-large": [
      "refuses a body over 16 KB with 413 on both routes",
      async () => {
        const body = JSON.stringify({ phone: uniquePhone().slice(1), pad: "x".repeat(17 * 1024) });
        expect(await answer(await send(body))).toEqual({ status: 413, body: '{"message":"Request body too large"}' });
        expect(await answer(await verify(body))).toEqual(verifyError(413, "Request body too large"));
        const form = new FormData();
        form.set("phone", uniquePhone().slice(1));
        form.set("pad", "x".repeat(17 * 1024));
        expect((await send(form)).status).toBe(413);
      },
    ],
    "otp-length": [
      "sends a code of OTP_LENGTH digits",
      async () => expect((await sendCode()).code).toMatch(/^\d{4}$/),
    ],
    html: [
      "answers a browser's Accept: text/html with the JSON body",
      async () => {
        const res = await send({ phone: uniquePhone().slice(1) }, { headers: { Accept: "text/html,application/xhtml+xml" } });
        expect(res.headers.get("content-type")).toMatch(/^application\/json/);
        expect(await answer(res)).toEqual(SENT);
      },
    ],
    "no-slash": [
      "answers at the path without the trailing slash as with it",
      async () => {
        const phone = uniquePhone();
        expect(await answer(await send({ phone: phone.slice(1) }, { path: "/api/users/send-otp" }))).toEqual(SENT);
        expect(await answer(await verify({ phone: phone.slice(1), otp: codeSentTo(phone) }, { path: "/api/users/verify-otp" }))).toEqual(VERIFIED);
      },
    ],
    options: [
      "answers OPTIONS with 204 and Allow",
      async () => {
        const res = await sendRouteModule.OPTIONS(new Request("http://localhost/api/users/send-otp/", { method: "OPTIONS" }));
        expect({ status: res.status, allow: res.headers.get("allow"), body: await res.text() }).toEqual({ status: 204, allow: "POST, OPTIONS", body: "" });
      },
    ],
    "no-credits": [
      "answers the send failure when the gateway says No More Credits, and the code never works",
      async () => {
        const phone = uniquePhone();
        NO_CREDIT.add(digits(phone));
        expect(await answer(await send({ phone: phone.slice(1) }))).toEqual(SEND_FAILED);
        expect((await database().db.verification.findFirstOrThrow({ where: { phone } })).status).toBe("failed");
        expect(await answer(await verify({ phone: phone.slice(1), otp: codeSentTo(phone) }))).toEqual(INVALID);
      },
    ],
    "server-error": [
      "answers a generic 500 without the exception's text when the database is down",
      async () => {
        const holder = globalThis as { __otpDb?: Promise<unknown> };
        const real = holder.__otpDb;
        // A PostgreSQL server that is not there: a closed port on this machine.
        const down = await openDatabase({ kind: "postgres", url: "postgresql://otp@127.0.0.1:9/otp" }, { poolSize: 1 });
        holder.__otpDb = Promise.resolve(down);
        const logs = spyOnLogs();
        try {
          expect(await answer(await send({ phone: uniquePhone().slice(1) }))).toEqual(SEND_FAILED);
          expect(await answer(await verify({ phone: uniquePhone().slice(1), otp: "1234" }))).toEqual(verifyError(500, "Error verifying OTP. Please try again."));
          expect(logs.lines.join("\n")).toContain("database unavailable");
          expect(logs.lines.join("\n")).not.toContain("ECONNREFUSED");
        } finally {
          logs.restore();
          holder.__otpDb = real;
          await down.close();
        }
      },
    ],
    "otp-number": [
      "reads a JSON number as the code",
      async () => {
        const { phone, code } = await sendCode();
        expect(await answer(await verify({ phone: phone.slice(1), otp: Number(code) }))).toEqual(VERIFIED);
      },
    ],
    "otp-superscript": [
      "answers OTP must be numeric for superscript digits, never a 500",
      async () => expect(await answer(await verify({ phone: "255694230173", otp: "12²4" }))).toEqual(verifyError(400, "OTP must be numeric")),
    ],
    "malformed-json": [
      "reads malformed JSON as an empty body: Phone number is required",
      async () => {
        expect(await answer(await send('{"phone":'))).toEqual({ status: 400, body: '{"message":"Phone number is required"}' });
        expect(await answer(await verify('{"phone":'))).toEqual(verifyError(400, "Phone number is required"));
      },
    ],
  };

  for (const [id, [name, run]] of Object.entries(ROWS)) it(`${id}: ${name}`, run);
});

describe("docs/seed-compat.md", () => {
  it("has a test case for every row and a row for every test case", async () => {
    const doc = readFileSync(new URL("../../../docs/seed-compat.md", import.meta.url), "utf8");
    const ids = [...doc.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    const source = readFileSync(new URL("./seed-compat.test.ts", import.meta.url), "utf8");
    const cases = [...source.matchAll(/^ {4}"?([a-z0-9-]+)"?: \[$/gm)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(30);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...cases].sort()).toEqual([...ids].sort());
  });
});
