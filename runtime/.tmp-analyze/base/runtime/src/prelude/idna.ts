// Stands in for tr46 inside whatwg-url. whatwg-url asks tr46 to process every host it parses; for hosts of
// plain ASCII letters, digits, '-' and '.', with no punycode label, UTS #46 processing (as whatwg-url calls it:
// no hyphen checks, no STD3 rules, no DNS length checks) only lowercases. The full tables (230 KB, ~10 ms to
// load into an isolate) are loaded on the first host that needs them, which keeps them off most cold starts.

interface Tr46 {
  toASCII(domain: string, options?: object): string | null;
  toUnicode(domain: string, options?: object): { domain: string; error: boolean };
}

declare const require: (id: "tr46") => Tr46;

const PLAIN_HOST = /^[A-Za-z0-9.-]*$/;
const PUNYCODE_LABEL = /(?:^|\.)xn--/i;
let tr46: Tr46 | undefined;

function isPlain(domain: string): boolean {
  return PLAIN_HOST.test(domain) && !PUNYCODE_LABEL.test(domain);
}

function full(): Tr46 {
  tr46 ??= require("tr46");
  return tr46;
}

export function toASCII(domain: string, options?: object): string | null {
  return isPlain(domain) ? domain.toLowerCase() : full().toASCII(domain, options);
}

export function toUnicode(domain: string, options?: object): { domain: string; error: boolean } {
  return isPlain(domain) ? { domain: domain.toLowerCase(), error: false } : full().toUnicode(domain, options);
}
