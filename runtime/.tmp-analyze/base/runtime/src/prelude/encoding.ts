// TextEncoder / TextDecoder (UTF-8) from a well-kept polyfill, which installs itself on `self`.
// Imported before whatwg-url, which needs them while it loads.
import "./self.js";
import "fastestsmallesttextencoderdecoder/EncoderDecoderTogether.min.js";
