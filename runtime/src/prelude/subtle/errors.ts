// The DOMExceptions the Web Cryptography API names for each kind of failure.
import { DOMException } from "../dom-exception.js";

/** The algorithm, format or operation is not implemented here. */
export const notSupported = (message: string) => new DOMException(message, "NotSupportedError");
/** The key may not be used this way (wrong algorithm, missing usage, not extractable). */
export const invalidAccess = (message: string) => new DOMException(message, "InvalidAccessError");
/** The key data or an input is malformed. */
export const dataError = (message: string) => new DOMException(message, "DataError");
/** The operation failed (a wrong tag on decryption, an invalid derived point). */
export const operationError = (message: string) => new DOMException(message, "OperationError");
/** The key usages are not allowed for the key or are empty where some are required. */
export const syntaxError = (message: string) => new DOMException(message, "SyntaxError");
