/**
 * The login page's channel buttons on the server, on both databases: WhatsApp and Twilio answered
 * by local servers speaking their APIs, SMS by the console outbox. Switching channel never costs an
 * extra message: the cooldown and the per-phone limits count sends whatever carried them, and a
 * superseded WhatsApp code that later fails does not fall back to SMS.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reply, startFakeGateway, type FakeGateway } from "@/lib/sms/test-gateway";
import { describeEachDatabase } from "@/test/db";
import ar from "@/messages/ar.json";
import en from "@/messages/en.json";
import fr from "@/messages/fr.json";
import sw from "@/messages/sw.json";
import type { Locale } from "@/lib/i18n/locales";
import { channelStrings } from "./channel-options";
import { offeredChannels, requestedChannel } from "./channels";

const APP_SECRET = "login-channels-app-secret-51";
const COOLDOWN_SECONDS = 60;
const META = { ip: "203.0.113.9", userAgent: "vitest" };

let whatsapp: FakeGateway;
let twilio: FakeGateway;
let flow: typeof import("./flow");
let outbox: typeof import("@/lib/sms/console");
let webhook: typeof import("@/app/api/channels/whatsapp/webhook/route");
let counter = 0;
const tzPhone = () => `+25574${String(process.pid % 10_000).padStart(4, "0")}${String(++counter).padStart(3, "0")}`;

beforeAll(async () => {
  whatsapp = await startFakeGateway((_req, res, i) => reply(res, 200, JSON.stringify({ messaging_product: "whatsapp", messages: [{ id: `wamid.login${i}.${Date.now()}` }] })));
  twilio = await startFakeGateway((_req, res, i) => reply(res, 201, JSON.stringify({ sid: `CAlogin${i}${Date.now()}`, status: "queued" })));
  // lib/env reads process.env once, on first use: configure before importing the app modules.
  Object.assign(process.env, {
    OTP_SECRET: "login-channels-otp-secret-0123456789abcdef",
    NEXTAUTH_SECRET: "login-channels-nextauth-secret-0123456789ab",
    SMS_PROVIDER: "console",
    PHONE_DEFAULT_COUNTRY: "TZ",
    OTP_RESEND_COOLDOWN_SECONDS: String(COOLDOWN_SECONDS),
    OTP_MAX_SENDS_PER_PHONE_PER_HOUR: "3",
    OTP_MAX_SENDS_PER_IP_PER_HOUR: "0",
    OTP_FRAUD_GUARD: "off",
    OTP_MAX_SENDS_PER_PREFIX_PER_HOUR: "0",
    OTP_MAX_SENDS_PER_COUNTRY_PER_HOUR: "0",
    OTP_MAX_SENDS_PER_HOUR: "0",
    WHATSAPP_API_URL: `${whatsapp.url}/v21.0`,
    WHATSAPP_TOKEN: "login-channels-wa-token",
    WHATSAPP_PHONE_NUMBER_ID: "1065403",
    WHATSAPP_TEMPLATE: "otp_login",
    WHATSAPP_APP_SECRET: APP_SECRET,
    TWILIO_API_URL: twilio.url,
    TWILIO_ACCOUNT_SID: "AC0123456789abcdef0123456789abcdef",
    TWILIO_AUTH_TOKEN: "login-channels-twilio-token",
    TWILIO_VOICE_FROM: "+15005550006",
    CHANNEL_ROUTES: "TZ:whatsapp,sms,voice;*:sms",
    LOG_LEVEL: "error",
  });
  flow = await import("./flow");
  outbox = await import("@/lib/sms/console");
  webhook = await import("@/app/api/channels/whatsapp/webhook/route");
});
afterAll(async () => {
  await whatsapp.close();
  await twilio.close();
});

describe("channel buttons' rules", () => {
  const routes = { TZ: ["whatsapp", "sms", "voice"], KE: ["sms", "voice"], "*": ["sms"] } as const satisfies Record<string, ("sms" | "whatsapp" | "voice")[]>;
  const r = { TZ: [...routes.TZ], KE: [...routes.KE], "*": [...routes["*"]] };

  it("offers what CHANNEL_ROUTES lists for the number's country, else `*`, else SMS", () => {
    expect(offeredChannels(r, "TZ")).toEqual(["whatsapp", "sms", "voice"]);
    expect(offeredChannels(r, "ke")).toEqual(["sms", "voice"]);
    expect(offeredChannels(r, "UG")).toEqual(["sms"]);
    expect(offeredChannels({}, "TZ")).toEqual(["sms"]);
  });

  it("sends the country's first channel as auto (keeping its fallback), others as themselves, and refuses what is not offered", () => {
    expect(requestedChannel("whatsapp", undefined, r.TZ)).toBe("auto");
    expect(requestedChannel("sms", "whatsapp", r.TZ)).toBe("sms");
    expect(requestedChannel(null, "voice", r.TZ)).toBe("voice"); // "Resend code": the same way again
    expect(requestedChannel(null, undefined, r.TZ)).toBe("auto");
    expect(requestedChannel("voice", undefined, r["*"])).toBeNull();
    expect(requestedChannel("fax", undefined, r.TZ)).toBeNull();
  });
});

describe("channel buttons' words", () => {
  const keys = (o: object, prefix = ""): string[] =>
    Object.entries(o).flatMap(([k, v]) => (typeof v === "object" && v ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));

  it("exist in English, Swahili, French and Arabic with the same keys, and format as ICU", () => {
    for (const [locale, messages] of Object.entries({ en, sw, fr, ar })) {
      expect(keys(messages.channel), locale).toEqual(keys(en.channel));
      const strings = channelStrings(messages, locale as Locale);
      for (const text of keys(strings).map((k) => k.split(".").reduce<unknown>((o, part) => (o as Record<string, unknown>)[part], strings))) {
        expect(typeof text === "string" && text.length > 0 && !text.includes("{"), `${locale}: ${String(text)}`).toBe(true);
      }
    }
    expect(channelStrings().instead).toEqual({ sms: "Send by SMS instead", whatsapp: "Send by WhatsApp instead", voice: "Call me instead" });
    expect(channelStrings(sw, "sw").sending.voice).toBe("Tunapiga…");
  });
});

describeEachDatabase("login channel buttons", (use) => {
  let database: ReturnType<typeof use>;
  beforeAll(() => {
    database = use();
    // Point the app's database singleton (lib/db.ts) at this suite's database.
    (globalThis as { __otpDb?: Promise<unknown> }).__otpDb = Promise.resolve(database);
  });

  /** The resend wait passes (within the hour): this phone's codes are moved back past the cooldown. */
  async function waitOutCooldown(phone: string) {
    await database.db.$executeRaw`UPDATE "Verification" SET "createdAt" = "createdAt" - make_interval(secs => ${COOLDOWN_SECONDS + 1}) WHERE phone = ${phone}`;
  }

  function failedStatus(wamid: string) {
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [{ id: "WABA1", changes: [{ field: "messages", value: { statuses: [{ id: wamid, status: "failed", errors: [{ code: 131026, title: "Message undeliverable" }] }] } }] }],
    });
    const signature = `sha256=${createHmac("sha256", APP_SECRET).update(body).digest("hex")}`;
    return webhook.POST(new Request("http://localhost/api/channels/whatsapp/webhook", { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body }));
  }

  it("switching channel costs no extra message: cooldown and hourly limit count every channel, and a superseded WhatsApp code never falls back to SMS", async () => {
    const to = tzPhone();
    const calls = twilio.requests.length;
    const asked = await flow.sendStep(null, { intent: "send", phone: to, country: "TZ" }, META);
    const byWhatsApp = await flow.sendStep(asked, { intent: "confirm", phone: to, country: "TZ", channel: "whatsapp" }, META);
    expect(byWhatsApp).toMatchObject({ stage: "code", sent: { phone: to, channel: "whatsapp" } });
    const template = JSON.parse(whatsapp.requests.at(-1)!.body);
    expect(template.to).toBe(to.slice(1));
    const wamid = (await database.db.smsMessage.findFirstOrThrow({ where: { to, provider: "whatsapp" } })).providerMessageId!;

    // At once: "Send by SMS instead" and "Call me instead" are refused by the same cooldown.
    for (const channel of ["sms", "voice"]) {
      const refused = await flow.sendStep(byWhatsApp, { intent: "resend", phone: "", country: null, channel }, META);
      expect(refused).toMatchObject({ stage: "code", codeError: { code: "rate_limited", limit: "cooldown" }, sent: { channel: "whatsapp" } });
    }
    expect(outbox.listOutbox(to)).toHaveLength(0);
    expect(twilio.requests.length).toBe(calls);

    await waitOutCooldown(to);
    const bySms = await flow.sendStep(byWhatsApp, { intent: "resend", phone: "", country: null, channel: "sms" }, META);
    expect(bySms).toMatchObject({ stage: "code", sent: { channel: "sms" }, notice: expect.any(String) });
    expect(outbox.listOutbox(to)).toHaveLength(1);

    // WhatsApp reports the first (superseded) message failed: the person already has an SMS.
    expect((await failedStatus(wamid)).status).toBe(200);
    expect(outbox.listOutbox(to)).toHaveLength(1);

    await waitOutCooldown(to);
    const byCall = await flow.sendStep(bySms, { intent: "resend", phone: "", country: null, channel: "voice" }, META);
    expect(byCall).toMatchObject({ stage: "code", sent: { channel: "voice" } });
    expect(twilio.requests.length).toBe(calls + 1);
    expect(new URLSearchParams(twilio.requests.at(-1)!.body).get("To")).toBe(to);

    // Three sends this hour, whichever way: the fourth is refused on every channel.
    await waitOutCooldown(to);
    const sentBefore = whatsapp.requests.length;
    const fourth = await flow.sendStep(byCall, { intent: "resend", phone: "", country: null, channel: "whatsapp" }, META);
    expect(fourth).toMatchObject({ codeError: { code: "rate_limited", limit: "phone_hour" } });
    expect(whatsapp.requests.length).toBe(sentBefore);
    expect(outbox.listOutbox(to)).toHaveLength(1);
  });

  it("refuses a channel CHANNEL_ROUTES does not list for the number's country, and sends nothing", async () => {
    const to = `+25471${String(process.pid % 10_000).padStart(4, "0")}${String(++counter).padStart(3, "0")}`;
    const calls = twilio.requests.length;
    const asked = await flow.sendStep(null, { intent: "send", phone: to, country: "KE" }, META);
    const refused = await flow.sendStep(asked, { intent: "confirm", phone: to, country: "KE", channel: "voice" }, META);
    expect(refused).toMatchObject({ stage: "phone", phoneError: { code: "validation_error", message: "A call isn't available for this number. Choose another way." } });
    expect(twilio.requests.length).toBe(calls);
    expect(outbox.listOutbox(to)).toHaveLength(0);
    // The plain send still works, by SMS (the only channel for Kenya here).
    expect(await flow.sendStep(asked, { intent: "confirm", phone: to, country: "KE" }, META)).toMatchObject({ stage: "code", sent: { channel: "sms" } });
    expect(outbox.listOutbox(to)).toHaveLength(1);
  });
});
