// Loaded as a normal (blocking) script at the start of <body>, before any content
// is drawn. It does what the NHS.UK page template does with an inline script,
// which our Content-Security-Policy does not allow: mark the page as having
// JavaScript, and as supporting NHS.UK frontend when the browser runs ES modules.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
