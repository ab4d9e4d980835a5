// Type declarations for polyfill packages that ship none.
declare module "@ungap/structured-clone" {
  export default function structuredClone<T>(value: T, options?: { json?: boolean; lossy?: boolean }): T;
}
declare module "whatwg-url" {
  export const URL: typeof globalThis.URL;
  export const URLSearchParams: typeof globalThis.URLSearchParams;
}
// event-target-shim ships types its package.json "exports" does not point to; these are the parts we use.
declare module "event-target-shim" {
  export const Event: typeof globalThis.Event;
  export type Event = globalThis.Event;
  export const EventTarget: typeof globalThis.EventTarget;
  export type EventTarget = globalThis.EventTarget;
  export function setErrorHandler(handler: ((error: Error) => void) | undefined): void;
  export function setWarningHandler(handler: ((warning: unknown) => void) | undefined): void;
  export function getEventAttributeValue(target: EventTarget, type: string): ((event: Event) => void) | null;
  export function setEventAttributeValue(
    target: EventTarget,
    type: string,
    value: ((event: Event) => void) | null,
  ): void;
}
