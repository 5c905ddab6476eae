"use client";

import { useActionState } from "react";
import { createApiKeyAction, type CreateKeyState } from "@/app/admin/api-keys/actions";
import { CopyButton } from "@/components/admin/copy-button";
import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/input";

const SCOPES = [
  { value: "otp:send", label: "otp:send — send codes" },
  { value: "otp:verify", label: "otp:verify — verify codes" },
  { value: "admin:read", label: "admin:read — reserved; no route accepts keys for it yet" },
];

/** Creates a key; a real form posting to a server action, so it works before JavaScript too. */
export function ApiKeyCreateForm() {
  const [state, action, pending] = useActionState<CreateKeyState, FormData>(createApiKeyAction, {});
  return (
    <div className="space-y-4">
      {state.key && (
        <div role="status" className="rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-sm text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100">
          <p className="font-semibold">Key “{state.name}” created. Copy it now: it is not shown again.</p>
          <div className="mt-2 flex items-center gap-2">
            <code data-testid="new-api-key" className="break-all rounded bg-white px-2 py-1 font-mono dark:bg-slate-900">{state.key}</code>
            <CopyButton value={state.key} label="Copy key" />
          </div>
        </div>
      )}
      {state.error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {state.error} {state.fields && Object.values(state.fields).join(" ")}
        </p>
      )}
      <form action={action} className="grid gap-4 sm:grid-cols-2">
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
        <div className="sm:col-span-2 sm:max-w-xs">
          <Button type="submit" isLoading={pending} loadingText="Creating…">
            Create key
          </Button>
        </div>
      </form>
    </div>
  );
}
