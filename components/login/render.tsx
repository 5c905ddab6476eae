// The server entry of /login (scripts/login-bundle.mjs builds it for Node, with its own React): the
// App Router's route handlers run React's server-components build, which cannot render hooks.
import { renderToString } from "react-dom/server";
import { LoginDocument, type LoginDocumentProps } from "./login-document";

/** The document's HTML, without the doctype and the scripts (lib/login/page-html.ts adds them). */
export function renderLoginDocument(props: LoginDocumentProps): string {
  return renderToString(<LoginDocument {...props} />);
}
