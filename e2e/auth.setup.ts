// Setup project: signs the ADMIN_PHONES number in once and saves the session for admin specs.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { ADMIN_PHONE, ADMIN_STORAGE_STATE, loginAs, test as setup } from "./fixtures";

setup("save an admin session to e2e/.auth/admin.json", async ({ page }) => {
  await loginAs(page, ADMIN_PHONE);
  mkdirSync(path.dirname(ADMIN_STORAGE_STATE), { recursive: true });
  await page.context().storageState({ path: ADMIN_STORAGE_STATE });
});
