/**
 * Rich output in a tslab kernel, with a plain-text fallback everywhere else
 * (unit tests, scripts), so lib code never needs to know where it runs.
 *
 * tslab sends one MIME type per display message and throws "Not ready" when no
 * kernel request is being served; both are handled here.
 */

interface TslabDisplay {
  html(s: string): void;
  text(s: string): void;
}
interface TslabModule {
  display: TslabDisplay;
  newDisplay(): TslabDisplay;
}

function tslab(): TslabModule | null {
  try {
    // Required lazily: importing this module must have no side effects, and
    // outside a kernel tslab is not needed at all.
    return require("tslab") as TslabModule;
  } catch {
    return null;
  }
}

/** Shows HTML in the notebook; returns false (and shows nothing) outside a kernel. */
export function showHtml(html: string): boolean {
  const t = tslab();
  if (!t) return false;
  try {
    t.display.html(html);
    return true;
  } catch {
    return false;
  }
}

/** A display that can be replaced in place (progress bars, live figures). */
export interface LiveDisplay {
  html(s: string): void;
  text(s: string): void;
  /** True when updates replace the previous one (in a kernel); false when they append lines. */
  inPlace: boolean;
}

/** A display updated in place in a kernel; outside one, writes text lines to stdout. */
export function liveDisplay(): LiveDisplay {
  const t = tslab();
  let d: TslabDisplay | null = null;
  try {
    d = t ? t.newDisplay() : null;
  } catch {
    d = null;
  }
  const fallback: LiveDisplay = { html: () => undefined, text: (s) => console.log(s), inPlace: false };
  if (!d) return fallback;
  const live = d;
  return {
    inPlace: true,
    html: (s) => {
      try {
        live.html(s);
      } catch {
        /* not in a kernel request: nothing to update */
      }
    },
    text: (s) => {
      try {
        live.text(s);
      } catch {
        console.log(s);
      }
    },
  };
}

/** Escapes text for inclusion in HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
