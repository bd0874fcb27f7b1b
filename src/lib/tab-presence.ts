// Several tabs on one session (SPEC §6a), the part every tab carries. Each tab showing a session
// says so on a BroadcastChannel, answers another that says the same, and posts the outcome it
// reaches: so an outcome reaches every tab at once. Only when two tabs show one session do they
// load the rest (tab-sharing-controller.ts: one tab checks, the others listen), which most
// shoppers, paying in one tab, never download. A message from another tab is untrusted: an id
// is only compared with this tab's, and an outcome is read exactly as a status response.
import { interpretStatusResponse, type StatusResult } from './status.js';

export interface TabPresence {
  /** Tells the other tabs a final status of this session. */
  publish(result: StatusResult): void;
  stop(): void;
}

const CHANNEL = 'alipayhk-checkout:presence';

/**
 * Announces `sessionId` to the other tabs; calls `onOtherTab` once when another tab shows the same
 * session, and `onResult` with a final status another tab reached for it.
 */
export function watchForOtherTabs(sessionId: string, onOtherTab: () => void, onResult: (result: StatusResult) => void): TabPresence {
  // No check for BroadcastChannel: every browser that runs the element has it (Safari since
  // 15.4; the element's class static blocks need 16.4).
  const channel = new BroadcastChannel(CHANNEL);
  let seen = false;
  channel.onmessage = ({ data }) => {
    if (data?.sessionId === sessionId) {
      const outcome = interpretStatusResponse(200, data);
      if (outcome.kind === 'result' && outcome.result.status !== 'pending') onResult(outcome.result);
      return;
    }
    if (data?.hello !== sessionId && data?.here !== sessionId) return;
    // A newcomer learns that this tab was here first; then both load the sharing.
    if (data.hello === sessionId) channel.postMessage({ here: sessionId });
    if (!seen) onOtherTab();
    seen = true;
  };
  channel.postMessage({ hello: sessionId });
  return {
    publish: (result) => channel.postMessage({ ...result, sessionId }),
    stop: () => channel.close(),
  };
}
