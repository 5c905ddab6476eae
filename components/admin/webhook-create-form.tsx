"use client";

import { useActionState } from "react";
import { createWebhookAction, type CreateWebhookState } from "@/app/admin/webhooks/actions";
import { CopyButton } from "@/components/admin/copy-button";
import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/input";

const EVENTS = [
  ["verification.sent", "a code was sent"],
  ["verification.approved", "a code was verified"],
  ["verification.expired", "a code expired unused"],
  ["verification.locked", "too many wrong codes"],
  ["sms.failed", "no provider took the SMS, or it was not delivered"],
  ["sms.delivered", "the provider reported delivery"],
  ["protection.block_started", "the fraud guard or an admin blocked a range, country or number"],
] as const;

/** Adds an endpoint; a real form posting to a server action, so it works before JavaScript too. */
export function WebhookCreateForm() {
  const [state, action, pending] = useActionState<CreateWebhookState, FormData>(createWebhookAction, {});
  return (
    <div className="space-y-4">
      {state.secret && (
        <div role="status" className="rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-sm text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100">
          <p className="font-semibold">Endpoint {state.url} added. Copy its signing secret now: it is not shown again.</p>
          <div className="mt-2 flex items-center gap-2">
            <code data-testid="new-webhook-secret" className="break-all rounded bg-white px-2 py-1 font-mono dark:bg-slate-900">{state.secret}</code>
            <CopyButton value={state.secret} label="Copy secret" />
          </div>
        </div>
      )}
      {state.error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {state.error} {state.fields && Object.values(state.fields).join(" ")}
        </p>
      )}
      <form action={action} className="grid gap-4">
        <div className="space-y-1">
          <Label htmlFor="webhook-url">URL</Label>
          <Input id="webhook-url" name="url" type="url" required maxLength={2000} placeholder="https://example.com/webhooks/otp" />
        </div>
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">Events</legend>
          {EVENTS.map(([value, description]) => (
            <label key={value} className="flex items-center gap-2 text-sm text-slate-800 dark:text-slate-200">
              <input type="checkbox" name="events" value={value} defaultChecked={value === "verification.approved"} />
              <span className="font-mono">{value}</span> <span className="text-slate-600 dark:text-slate-400">— {description}</span>
            </label>
          ))}
        </fieldset>
        <div className="sm:max-w-xs">
          <Button type="submit" isLoading={pending} loadingText="Adding…">
            Add endpoint
          </Button>
        </div>
      </form>
    </div>
  );
}
