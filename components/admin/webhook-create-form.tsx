"use client";

import { createWebhookAction } from "@/app/admin/webhooks/actions";
import { OneTimeSecretForm } from "@/components/admin/one-time-secret-form";
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

/** Adds an endpoint; its signing secret is shown once, in the answer. */
export function WebhookCreateForm() {
  return (
    <OneTimeSecretForm
      action={createWebhookAction}
      reveal={(state) => (state.secret ? { secret: state.secret, message: `Endpoint ${state.url} added. Copy its signing secret now: it is not shown again.` } : undefined)}
      secretTestId="new-webhook-secret"
      labels={{ copy: "Copy secret", submit: "Add endpoint", pending: "Adding…" }}
      className="grid gap-4"
      submitClassName="sm:max-w-xs"
    >
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
    </OneTimeSecretForm>
  );
}
