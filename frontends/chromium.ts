/**
 * The Chromium the browser tests and the browser edition's benchmark drive
 * (Debian's package; COURSE_CHROMIUM overrides it). Its own module, so that
 * finding it loads no browser driver.
 */
/** Debian package of the browser the end-to-end tests drive. */
export const CHROMIUM = process.env.COURSE_CHROMIUM ?? "/usr/bin/chromium";
