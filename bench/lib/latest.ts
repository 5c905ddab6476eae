/**
 * bench/results/latest.md: the newest figures of each kind of run in one committed file. Each run
 * replaces only its own section (between HTML comment markers), so a soak run keeps the table.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const ORDER = ["table", "profile", "soak", "faults", "lighthouse"] as const;
export type Section = (typeof ORDER)[number];

export function updateLatest(resultsDir: string, section: Section, markdown: string) {
  const file = path.join(resultsDir, "latest.md");
  const old = existsSync(file) ? readFileSync(file, "utf8") : "";
  const parts = new Map<Section, string>();
  for (const s of ORDER) {
    const m = new RegExp(`<!-- bench:${s} -->\\n([\\s\\S]*?)<!-- /bench:${s} -->`).exec(old);
    if (m) parts.set(s, m[1]);
  }
  parts.set(section, `${markdown.trim()}\n`);
  const body = ORDER.filter((s) => parts.has(s))
    .map((s) => `<!-- bench:${s} -->\n${parts.get(s)}<!-- /bench:${s} -->`)
    .join("\n\n");
  writeFileSync(file, `# Latest benchmark results\n\nWritten by \`npm run bench\` (see bench/README.md); each kind of run replaces its own section.\n\n${body}\n`);
}

/** "2 cores (AMD EPYC …), Node v20.20.2, load 3.1 at the start, commit abc123" */
export function machineLine(meta: { cpus: number; model?: string; node: string; load1?: number; commit?: string; when: string }) {
  return `${meta.when} · ${meta.cpus} cores (${meta.model ?? "?"}) · Node ${meta.node}${meta.load1 !== undefined ? ` · load average ${meta.load1.toFixed(2)} at the start` : ""}${meta.commit ? ` · product at ${meta.commit.slice(0, 12)}` : ""}`;
}
