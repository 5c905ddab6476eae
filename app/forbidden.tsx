import { Forbidden } from "@/components/auth/forbidden";

// Rendered with HTTP 403 wherever a server component calls forbidden() (the admin layout does).
// Static on purpose: Next.js prerenders this boundary at build time, when no session exists.
export default function ForbiddenPage() {
  return <Forbidden />;
}
