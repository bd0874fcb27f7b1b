// Most shoppers pay in one tab, and they should not download the code that shares a session
// between tabs (tab-sharing-controller.ts, Web Locks and all). So each tab showing a session says
// so on a BroadcastChannel, and answers another that says the same: only when two tabs show one
// session do they load the sharing. Until then a tab checks the status on its own, which is what
// it would do anyway. A message is only ever compared with this tab's session id.

const CHANNEL = 'alipayhk-checkout:presence';

/**
 * Announces `sessionId` to the other tabs and calls `onOtherTab` (once) when another tab shows
 * the same session. Returns the function that stops listening.
 */
export function watchForOtherTabs(sessionId: string, onOtherTab: () => void): () => void {
  if (typeof BroadcastChannel !== 'function') return () => undefined;
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = ({ data }) => {
    if (data?.hello !== sessionId && data?.here !== sessionId) return;
    // A newcomer learns that this tab was here first; then both load the sharing.
    if (data.hello === sessionId) channel.postMessage({ here: sessionId });
    channel.close();
    onOtherTab();
  };
  channel.postMessage({ hello: sessionId });
  return () => channel.close();
}
