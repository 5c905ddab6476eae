import { Forbidden } from "@/components/auth/forbidden";

// Rendered with HTTP 403 wherever a server component calls forbidden() (requireAdminPage() does, in every admin page).
// Static on purpose: Next.js prerenders this boundary at build time, when no session exists.
export default function ForbiddenPage() {
  return <Forbidden />;
}
