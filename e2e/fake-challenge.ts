/**
 * A local stand-in for Cloudflare Turnstile and hCaptcha on 127.0.0.1, close to their documented
 * APIs, so the login page's widget runs in real Chromium under the real CSP:
 * - GET /turnstile/v0/api.js and /hcaptcha/1/api.js: `window.turnstile` / `window.hcaptcha` with
 *   render(container, { sitekey, callback, "expired-callback", "error-callback" }) → widget id,
 *   reset(id), remove(id), getResponse(id). render draws an iframe from this origin (the part the
 *   page's frame-src must allow) that gets a token and posts it back to the page; the token also lands
 *   in the container's hidden `cf-turnstile-response` / `h-captcha-response` field, as the real ones do.
 *   Turnstile passes by itself (a managed challenge), hCaptcha after a click on its checkbox.
 * - POST /turnstile/v0/siteverify and /hcaptcha/siteverify: form-encoded secret, response, remoteip
 *   (hCaptcha: sitekey) → { success, challenge_ts, hostname, "error-codes" }. A token passes once
 *   (then timeout-or-duplicate / already-seen-response), only with the right secret, within 300 s.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

type Provider = "turnstile" | "hcaptcha";
type Issued = { provider: Provider; sitekey: string; hostname: string; at: number; used: boolean };
export type SiteverifyCall = { provider: Provider; secret: string; response: string; remoteip: string | null; sitekey: string | null };

const PATHS: Record<Provider, { script: string; verify: string }> = {
  turnstile: { script: "/turnstile/v0/api.js", verify: "/turnstile/v0/siteverify" },
  hcaptcha: { script: "/hcaptcha/1/api.js", verify: "/hcaptcha/siteverify" },
};

const ERRORS: Record<Provider, { missingSecret: string; badSecret: string; missingResponse: string; badResponse: string; used: string; expired: string }> = {
  turnstile: { missingSecret: "missing-input-secret", badSecret: "invalid-input-secret", missingResponse: "missing-input-response", badResponse: "invalid-input-response", used: "timeout-or-duplicate", expired: "timeout-or-duplicate" },
  hcaptcha: { missingSecret: "missing-input-secret", badSecret: "invalid-input-secret", missingResponse: "missing-input-response", badResponse: "invalid-input-response", used: "already-seen-response", expired: "expired-input-response" },
};

/** The page-side library: what api.js?render=explicit defines. */
function apiScript(provider: Provider, origin: string): string {
  const global = provider;
  const field = provider === "turnstile" ? "cf-turnstile-response" : "h-captcha-response";
  return `(() => {
  const ORIGIN = ${JSON.stringify(origin)};
  const widgets = new Map();
  let next = 0;
  const last = () => [...widgets.keys()].at(-1);
  function draw(w) {
    w.el.replaceChildren();
    w.token = "";
    const frame = document.createElement("iframe");
    frame.src = ORIGIN + "/${provider}/frame?" + new URLSearchParams({ id: w.id, sitekey: w.opts.sitekey || "", parent: location.origin });
    frame.title = ${JSON.stringify(provider === "turnstile" ? "Widget containing a Cloudflare security challenge" : "Widget containing checkbox for hCaptcha security challenge")};
    frame.width = "300"; frame.height = "65"; frame.style.border = "0";
    const input = document.createElement("input");
    input.type = "hidden"; input.name = ${JSON.stringify(field)};
    w.input = input;
    w.el.append(frame, input);
  }
  window.addEventListener("message", (event) => {
    if (event.origin !== ORIGIN || !event.data || event.data.source !== "fake-${provider}") return;
    const w = widgets.get(event.data.id);
    if (!w) return;
    w.token = event.data.token;
    w.input.value = w.token;
    if (typeof w.opts.callback === "function") w.opts.callback(w.token);
  });
  window.${global} = {
    render(container, opts) {
      const el = typeof container === "string" ? document.querySelector(container) : container;
      if (!el) throw new Error("${provider}: container not found");
      if (!opts || !opts.sitekey) throw new Error("${provider}: sitekey is required");
      const id = String(next++);
      const w = { id, el, opts };
      widgets.set(id, w);
      draw(w);
      return id;
    },
    reset(id) { const w = widgets.get(id === undefined ? last() : String(id)); if (w) draw(w); },
    remove(id) { const w = widgets.get(String(id)); if (w) { w.el.replaceChildren(); widgets.delete(String(id)); } },
    getResponse(id) { const w = widgets.get(id === undefined ? last() : String(id)); return w ? w.token : undefined; },
  };
})();
`;
}

/** The widget's own document, inside the iframe: it asks this server for a token and posts it to the page. */
function frameHtml(provider: Provider, url: URL): string {
  const params = JSON.stringify(Object.fromEntries(url.searchParams));
  const interactive = provider === "hcaptcha";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${provider} challenge</title>
<style>body{margin:0;font:14px system-ui,sans-serif;color:#111;background:#fafafa}label,p{display:flex;gap:8px;align-items:center;height:61px;margin:0;padding:0 12px;border:2px solid #ddd}</style></head>
<body>${interactive ? '<label><input type="checkbox" id="check"> I am human</label>' : '<p id="state">Verifying…</p>'}
<script>
const params = ${params};
async function solve() {
  const res = await fetch("/${provider}/token", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sitekey: params.sitekey, hostname: new URL(params.parent).hostname }) });
  const { token } = await res.json();
  parent.postMessage({ source: "fake-${provider}", id: params.id, token }, params.parent);
  ${interactive ? "" : 'document.getElementById("state").textContent = "Success!";'}
}
${interactive ? 'document.getElementById("check").addEventListener("change", (e) => e.target.checked && solve());' : "setTimeout(solve, 200);"}
</script></body></html>`;
}

async function body(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

export type FakeChallenge = {
  origin: string;
  scriptUrl(provider: Provider): string;
  verifyUrl(provider: Provider): string;
  /** Every siteverify request, in order. */
  calls: SiteverifyCall[];
  /** While true, the widget hands out tokens that siteverify does not know (a forged or replayed token). */
  rejectTokens: boolean;
  close(): Promise<void>;
};

/** Starts the fake on 127.0.0.1:`port` (0: any free port). `secret` is the one siteverify accepts. */
export async function startFakeChallenge(port: number, secret: string): Promise<FakeChallenge> {
  const issued = new Map<string, Issued>();
  const fake: FakeChallenge = { origin: "", scriptUrl: () => "", verifyUrl: () => "", calls: [], rejectTokens: false, close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", fake.origin);
    const provider = (["turnstile", "hcaptcha"] as const).find((p) => url.pathname.startsWith(`/${p}/`));
    if (!provider) return void res.writeHead(404).end();
    if (req.method === "GET" && url.pathname === PATHS[provider].script) {
      return void res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store" }).end(apiScript(provider, fake.origin));
    }
    if (req.method === "GET" && url.pathname === `/${provider}/frame`) {
      return void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(frameHtml(provider, url));
    }
    if (req.method === "POST" && url.pathname === `/${provider}/token`) {
      const { sitekey, hostname } = JSON.parse(await body(req)) as { sitekey: string; hostname: string };
      const token = `${fake.rejectTokens ? "forged" : provider}.${randomBytes(24).toString("base64url")}`;
      if (!fake.rejectTokens) issued.set(token, { provider, sitekey, hostname, at: Date.now(), used: false });
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token }));
    }
    if (req.method === "POST" && url.pathname === PATHS[provider].verify) {
      const form = new URLSearchParams(await body(req));
      const call: SiteverifyCall = { provider, secret: form.get("secret") ?? "", response: form.get("response") ?? "", remoteip: form.get("remoteip"), sitekey: form.get("sitekey") };
      fake.calls.push(call);
      const errors = ERRORS[provider];
      const token = issued.get(call.response);
      const error = !call.secret
        ? errors.missingSecret
        : call.secret !== secret
          ? errors.badSecret
          : !call.response
            ? errors.missingResponse
            : !token || token.provider !== provider || (call.sitekey !== null && call.sitekey !== token.sitekey)
              ? errors.badResponse
              : token.used
                ? errors.used
                : Date.now() - token.at > 300_000
                  ? errors.expired
                  : null;
      if (token && !error) token.used = true;
      const answer = error
        ? { success: false, "error-codes": [error] }
        : { success: true, challenge_ts: new Date(token!.at).toISOString(), hostname: token!.hostname, "error-codes": [] };
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
    }
    res.writeHead(405).end();
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.scriptUrl = (p) => `${fake.origin}${PATHS[p].script}?render=explicit`;
  fake.verifyUrl = (p) => `${fake.origin}${PATHS[p].verify}`;
  fake.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return fake;
}
