// The service worker's world (sw/course-sw.js), declared here because the browser edition's program uses the
// DOM library, whose `self` is a Window (TypeScript's WebWorker library cannot be loaded beside it).

/** Written by build.js at the head of course-sw.js: the build id and every file of the site. */
declare const BUILD: string;
declare const FILES: string[];

/** What course-sw.js uses of its global scope (ServiceWorkerGlobalScope) and of its events. */
interface CourseExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface CourseFetchEvent extends CourseExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response> | Response): void;
}
interface CourseServiceWorkerScope {
  readonly registration: { readonly scope: string };
  readonly location: { readonly origin: string };
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: "install" | "activate", listener: (event: CourseExtendableEvent) => void): void;
  addEventListener(type: "fetch", listener: (event: CourseFetchEvent) => void): void;
}
