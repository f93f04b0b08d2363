// Starts GOV.UK Frontend on every page. Loaded by base.html as <script type="module">.
//
// GOV.UK's own page template does this with an inline script; Candour's Content-Security-Policy
// (script-src 'self') forbids inline scripts, so the body classes are added here instead.
// Browsers too old for ES modules never run this file and get the no-JavaScript page.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
