// The tests drive the system's browsers (Debian's chromium, firefox-esr, WebKit's driver), never
// one of puppeteer's. Puppeteer comes in with @web/test-runner-puppeteer, and its install script
// would download a browser (and fail the install where that download is refused). Its config,
// found from the project's root, tells it not to, so a plain `npm install` / `npm ci` works.
// The top-level setting covers every browser (puppeteer's getBrowserSetting reads no per-browser
// key when it is set).
module.exports = { skipDownload: true };
