import { Forbidden } from "@/components/auth/forbidden";
import { getSessionUser } from "@/lib/auth/session";

// Rendered with HTTP 403 wherever a server component calls forbidden() (the admin layout does).
export default async function ForbiddenPage() {
  const user = await getSessionUser();
  return <Forbidden phone={user?.phone ?? "an account without access"} />;
}
