// Loaded first by the strict-policy page: records every Content-Security-Policy violation
// (Trusted Types included) for the test to read.
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(`${event.effectiveDirective}: ${event.blockedURI || event.sample}`);
});
