// Describes localforage 1.10.0 (frontends/lite-app/package.json): only what the browser edition uses.
// Checked against the package by test/setup/lite-real-types.test.ts.
interface LocalForage {
  createInstance(options: { name?: string; storeName?: string; version?: number }): LocalForage;
  keys(): Promise<string[]>;
  getItem<T>(key: string): Promise<T | null>;
  setItem<T>(key: string, value: T): Promise<T>;
  removeItem(key: string): Promise<void>;
}
declare const localforage: LocalForage;
export default localforage;
