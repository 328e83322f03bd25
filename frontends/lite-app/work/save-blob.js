// Saving a file to the student's Downloads folder, as the browser does for a
// link with a `download` name: Download all my work (work/plugin.js) and
// Submit (validate/plugin.js) both hand their file over this way.

/**
 * Offers `blob` as a download named `name`. The object URL is revoked a minute
 * later, not at once: some browsers read it after click() returns.
 * @param {Blob} blob
 * @param {string} name
 */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
