import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Forbidden } from "@/components/auth/forbidden";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("meta");
  return { title: t("forbidden") };
}

// Rendered with HTTP 403 wherever a server component calls forbidden() (requireAdminPage() does, in every admin page).
// It reads no session; only the request's language (cookie, Accept-Language).
export default function ForbiddenPage() {
  return <Forbidden />;
}
