// The browser entry of /login (scripts/login-bundle.mjs builds it): hydrates the server's HTML with
// the props the server embedded, so the form works as plain HTML first and is enhanced here.
import { hydrateRoot } from "react-dom/client";
import { setChallengeWorkerUrl } from "./bot-challenge";
import { LOGIN_DATA_ID, LoginDocument, type LoginPageData } from "./login-document";

const data = JSON.parse(document.getElementById(LOGIN_DATA_ID)?.textContent ?? "null") as LoginPageData | null;
if (data) {
  setChallengeWorkerUrl(data.workerUrl);
  hydrateRoot(document, <LoginDocument {...data.document} />);
}
