// The modules build.js generates into .gen/ (writeModules, writeData, writeExtensionsModule, the style list):
// check-types.js hides the generated files, so the code that imports them is always checked against these.

/** .gen/modules.js: the modules notebooks may import, by the path they import them with. */
declare module "*/.gen/modules.js" {
  const modules: Record<string, () => any>;
  export default modules;
}

/** .gen/data.js: the course's data/ files (path → text), and the files of the site's course/ folder fetched when read. */
declare module "*/.gen/data.js" {
  const files: Record<string, string>;
  export default files;
  export const remote: string[];
}

/** .gen/extensions.js: [package name, module] for every JupyterLab extension of build.js's list. */
declare module "*/.gen/extensions.js" {
  export default function extensionModules(): [string, unknown][];
}

/** .gen/style.js: the extensions' style modules (imported for their side effect). */
declare module "*/.gen/style.js" {}
