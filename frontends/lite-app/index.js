// The zero-install edition's front end: JupyterLab 4's shell with JupyterLite's
// in-browser services (contents in IndexedDB, kernels in the page) and the
// course's TypeScript kernel (kernel/plugin.js). Composed like JupyterLite's own
// app/lab (a plugin registry that resolves the service manager first), with the
// plugins listed here instead of module federation, and bundled by esbuild
// (build.js). The page config comes from lab/index.html.
import "./.gen/style.js";
import extensionModules from "./.gen/extensions.js";
import { PageConfig } from "@jupyterlab/coreutils";
import { PluginRegistry } from "@lumino/coreutils";
import { JupyterLab } from "@jupyterlab/application";
import { IServiceManager } from "@jupyterlab/services";
import courseKernel from "./kernel/plugin.js";
import { keepNotebookMetadata } from "./hooks/keep-notebook-metadata.js";
import { quietYjsWarnings } from "./hooks/quiet-console.js";
import { interruptRunningCells } from "./hooks/kernel-interrupt.js";
import coursework from "./work/plugin.js";
import courseValidate from "./validate/plugin.js";
import { applyReleaseRule, moveDefaultStorage } from "./work/storage.js";
import { Notification } from "@jupyterlab/apputils";

// Plugins replaced by JupyterLite's (services that talk to a Jupyter server) or
// that need a server (announcements, licenses, language servers), as in
// JupyterLite's app/lab; plus plugins that need extensions this build leaves out.
const DISABLED = new Set([
  "@jupyterlab/application-extension:logo",
  "@jupyterlab/application-extension:main",
  "@jupyterlab/application-extension:tree-resolver",
  "@jupyterlab/application-extension:router",
  "@jupyterlab/apputils-extension:licenses-client",
  "@jupyterlab/apputils-extension:announcements",
  "@jupyterlab/apputils-extension:resolver",
  "@jupyterlab/docmanager-extension:download",
  "@jupyterlab/filebrowser-extension:download",
  "@jupyterlab/filebrowser-extension:share-file",
  "@jupyterlab/services-extension:config-section-manager",
  "@jupyterlab/services-extension:connection-status",
  "@jupyterlab/services-extension:default-drive",
  "@jupyterlab/services-extension:event-manager",
  "@jupyterlab/services-extension:kernel-manager",
  "@jupyterlab/services-extension:kernel-spec-manager",
  "@jupyterlab/services-extension:nbconvert-manager",
  "@jupyterlab/services-extension:session-manager",
  "@jupyterlab/services-extension:setting-manager",
  "@jupyterlab/services-extension:user-manager",
  "@jupyterlab/services-extension:workspace-manager",
  "@jupyterlab/translation:translator",
  "@jupyterlab/notebook-extension:toc",
  "@jupyterlab/notebook-extension:language-server",
  "@jupyterlab/notebook-extension:update-raw-mimetype",
  "@jupyterlite/application-extension:logo",
  "@jupyterlite/application-extension:notify-commands",
  "@jupyterlite/application-extension:lsp-connection-manager",
  // Service workers serve files to emscripten kernels (Pyodide); this kernel reads none.
  "@jupyterlite/application-extension:service-worker-manager",
]);

/** The one extension registered as a MIME renderer (JavaScript outputs) rather than as plugins. */
const MIME_EXTENSION = "@jupyterlab/javascript-extension";

/**
 * @param {any} mod
 * @returns {any[]}
 */
function pluginsOf(mod) {
  const exported = mod && typeof mod.id !== "string" && "default" in mod ? mod.default : mod;
  return Array.isArray(exported) ? exported : [exported];
}

async function main() {
  quietYjsWarnings();
  keepNotebookMetadata();
  interruptRunningCells();
  // The extensions of build.js's list (.gen/extensions.js requires each by name, so the bundler includes exactly
  // these); the JavaScript output renderer is a MIME extension, not a plugin.
  const extensions = extensionModules();
  const mods = [...extensions.filter(([name]) => name !== MIME_EXTENSION).map(([, mod]) => mod), courseKernel, coursework, courseValidate];
  const mimeExtensions = extensions.filter(([name]) => name === MIME_EXTENSION).flatMap(([, mod]) => pluginsOf(mod));
  const plugins = mods.flatMap(pluginsOf).filter((p) => p && !DISABLED.has(p.id) && !PageConfig.Extension.isDisabled(p.id));

  // The student's stored work, before the file browser shows it (work/storage.js): moved from
  // JupyterLite's address-named storage into the site's fixed one, and the release rule applied.
  const storage = PageConfig.getOption("contentsStorageName");
  const base = new URL(PageConfig.getBaseUrl(), window.location.href).href;
  /** @type {Awaited<ReturnType<typeof applyReleaseRule>>} */
  let release = [];
  try {
    await moveDefaultStorage(`JupyterLite Storage - ${PageConfig.getOption("baseUrl")}`, storage);
    release = await applyReleaseRule(storage, base);
  } catch (err) {
    console.error("The course could not check the notebooks stored in this browser:", err);
  }
  document.body.dataset.courseRelease = JSON.stringify(release);

  const pluginRegistry = new PluginRegistry();
  pluginRegistry.registerPlugins(plugins);
  const serviceManager = await pluginRegistry.resolveRequiredService(IServiceManager);
  const app = new JupyterLab({ pluginRegistry, serviceManager, mimeExtensions, availablePlugins: plugins });
  // (Declared readonly by JupyterLab's types, but a plain field, which its constructor sets: setting it again works.)
  /** @type {{ name: string }} */ (app).name = PageConfig.getOption("appName") || "JupyterLite";
  // Browser tests drive the app through this handle, as JupyterLab's Galata does.
  /** @type {{ jupyterapp?: unknown }} */ (/** @type {unknown} */ (window)).jupyterapp = app;
  await app.start({ bubblingKeydown: true });
  await app.restored;
  for (const r of release.filter((o) => o.action === "kept-edited")) {
    Notification.info(`A new release of ${r.path} is in ${r.updateFile}; your copy of ${r.path} is kept as it is.`, { autoClose: false });
  }
  document.body.dataset.labReady = "true";
  // Caching the whole site (39 MB) right away would compete with the first lesson opening and its setup
  // cell for the network and the CPU (measured: first cell runnable 7.7 s instead of about 5 s): it starts later.
  setTimeout(registerServiceWorker, 15_000);
}

/**
 * The site's service worker (build.js writes course-sw.js at the site's root):
 * it caches the whole site, so the course opens and runs offline after the
 * first visit. Browsers allow service workers on https and localhost pages
 * only; elsewhere the site works as before, online. <body
 * data-course-offline> says "ready" once the site is cached, "unavailable" when
 * it cannot be.
 */
function registerServiceWorker() {
  const body = document.body.dataset;
  if (!("serviceWorker" in navigator) || !window.isSecureContext) {
    body.courseOffline = "unavailable";
    return;
  }
  const scope = new URL(PageConfig.getBaseUrl(), window.location.href);
  navigator.serviceWorker.register(new URL("course-sw.js", scope).href, { scope: scope.href }).then(
    () =>
      navigator.serviceWorker.ready.then(() => {
        body.courseOffline = "ready";
      }),
    (err) => {
      console.warn("The course could not be made available offline:", err);
      body.courseOffline = "unavailable";
    },
  );
}

main().catch((err) => {
  console.error(err);
  document.body.dataset.labError = String(err);
  document.body.textContent = `The course could not start in this browser: ${err}`;
});
