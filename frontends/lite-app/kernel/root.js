// lib/runtime/root.js for the browser: the course folder is /course in the
// kernel's in-memory file system (kernel/fs.js).
function courseRoot() {
  return "/course";
}
const ROOT = "/course";
module.exports = { courseRoot, ROOT };
