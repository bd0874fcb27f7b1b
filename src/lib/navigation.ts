// Where a redirect goes (SPEC §5): payment pages refuse to be framed, so from inside an iframe
// the top-level page navigates, never the frame. Reads only the window it is given.
export type NavigationTarget = 'self' | 'top';

/** 'top' when `win` is inside a frame. */
export function navigationTarget(win: Window): NavigationTarget {
  try {
    return win.top === win ? 'self' : 'top';
  } catch {
    // `top` is readable across origins in today's engines; a refusal can only mean a frame.
    return 'top';
  }
}

/**
 * Navigates to `url`. Not `top.location.assign()`: a cross-origin frame may not call `assign`
 * on the top's Location (a SecurityError); window.open(url, '_top') goes through the same
 * "allowed to navigate" check as a link with target=_top, which a click satisfies (a sandboxed
 * frame still needs allow-top-navigation-by-user-activation).
 */
export function navigate(url: string, target: NavigationTarget, win: Window = window): void {
  if (target === 'top') win.open(url, '_top');
  else win.location.assign(url);
}
