// JupyterLab's application shell with the extensions in extensions.json.
// The page config (base URL, settings and workspace URLs, token) comes from the
// server's templates/index.html, as in JupyterLab's own build.
require("./build/style.js");
const { JupyterLab } = require("@jupyterlab/application");

// Plugins of the included extensions that need services from extensions this
// build leaves out (table of contents, language servers, the metadata form
// editor): registering them would only log activation errors.
const SKIP = new Set([
  "@jupyterlab/notebook-extension:toc",
  "@jupyterlab/notebook-extension:language-server",
  "@jupyterlab/notebook-extension:update-raw-mimetype",
]);

function pluginsOf(mod) {
  const exported = mod && mod.__esModule ? mod.default : mod;
  return Array.isArray(exported) ? exported : [exported];
}

async function main() {
  // build/extensions.js requires each extension of extensions.json by name, so webpack bundles exactly these.
  const mods = require("./build/extensions.js")();
  const lab = new JupyterLab();
  lab.registerPlugins(mods.flatMap(pluginsOf).filter((p) => !SKIP.has(p.id)));
  await lab.start();
  await lab.restored;
  // The browser tests drive the app through this handle, as JupyterLab's Galata does.
  window.jupyterapp = lab;
  document.body.dataset.labReady = "true";
}

window.addEventListener("load", () => {
  main().catch((err) => {
    console.error(err);
    document.body.dataset.labError = String(err);
    document.body.textContent = `JupyterLab could not start: ${err}. Run \`npm start -- --classic\` to use the classic Notebook instead.`;
  });
});
