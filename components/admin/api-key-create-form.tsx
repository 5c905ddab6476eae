"use client";

import { createApiKeyAction } from "@/app/admin/api-keys/actions";
import { OneTimeSecretForm } from "@/components/admin/one-time-secret-form";
import { Input, Label } from "@/components/ui/input";

const SCOPES = [
  { value: "otp:send", label: "otp:send — send codes" },
  { value: "otp:verify", label: "otp:verify — verify codes" },
  { value: "admin:read", label: "admin:read — reserved; no route accepts keys for it yet" },
];

/** Creates a key; the key is shown once, in the answer (only its hash is kept). */
export function ApiKeyCreateForm() {
  return (
    <OneTimeSecretForm
      action={createApiKeyAction}
      reveal={(state) => (state.key ? { secret: state.key, message: `Key “${state.name}” created. Copy it now: it is not shown again.` } : undefined)}
      secretTestId="new-api-key"
      labels={{ copy: "Copy key", submit: "Create key", pending: "Creating…" }}
      className="grid gap-4 sm:grid-cols-2"
      submitClassName="sm:col-span-2 sm:max-w-xs"
    >
      <div className="space-y-1">
        <Label htmlFor="key-name">Name</Label>
        <Input id="key-name" name="name" required maxLength={80} placeholder="Checkout back end" />
      </div>
      <div className="space-y-1">
        <Label htmlFor="key-ips">Allowed IP ranges (optional)</Label>
        <Input id="key-ips" name="allowedIps" placeholder="203.0.113.0/24, 2001:db8::/32" />
      </div>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">Scopes</legend>
        {SCOPES.map((scope) => (
          <label key={scope.value} className="flex items-center gap-2 text-sm text-slate-800 dark:text-slate-200">
            <input type="checkbox" name="scopes" value={scope.value} defaultChecked={scope.value !== "admin:read"} />
            {scope.label}
          </label>
        ))}
      </fieldset>
      <div className="space-y-1">
        <Label htmlFor="key-limit">Requests per hour</Label>
        <Input id="key-limit" name="rateLimitPerHour" type="number" min={1} max={1000000} defaultValue={1000} />
      </div>
    </OneTimeSecretForm>
  );
}
