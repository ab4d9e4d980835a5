// DOMException (WebIDL), which V8 alone does not have: the error type of aborts, crypto and stream failures.

/** WebIDL's legacy codes and their constant names; names not listed here have code 0. */
const LEGACY: ReadonlyArray<readonly [name: string, code: number, constant: string]> = [
  ["IndexSizeError", 1, "INDEX_SIZE_ERR"],
  ["HierarchyRequestError", 3, "HIERARCHY_REQUEST_ERR"],
  ["WrongDocumentError", 4, "WRONG_DOCUMENT_ERR"],
  ["InvalidCharacterError", 5, "INVALID_CHARACTER_ERR"],
  ["NoModificationAllowedError", 7, "NO_MODIFICATION_ALLOWED_ERR"],
  ["NotFoundError", 8, "NOT_FOUND_ERR"],
  ["NotSupportedError", 9, "NOT_SUPPORTED_ERR"],
  ["InvalidStateError", 11, "INVALID_STATE_ERR"],
  ["SyntaxError", 12, "SYNTAX_ERR"],
  ["InvalidModificationError", 13, "INVALID_MODIFICATION_ERR"],
  ["NamespaceError", 14, "NAMESPACE_ERR"],
  ["InvalidAccessError", 15, "INVALID_ACCESS_ERR"],
  ["TypeMismatchError", 17, "TYPE_MISMATCH_ERR"],
  ["SecurityError", 18, "SECURITY_ERR"],
  ["NetworkError", 19, "NETWORK_ERR"],
  ["AbortError", 20, "ABORT_ERR"],
  ["URLMismatchError", 21, "URL_MISMATCH_ERR"],
  ["QuotaExceededError", 22, "QUOTA_EXCEEDED_ERR"],
  ["TimeoutError", 23, "TIMEOUT_ERR"],
  ["InvalidNodeTypeError", 24, "INVALID_NODE_TYPE_ERR"],
  ["DataCloneError", 25, "DATA_CLONE_ERR"],
];
const CODES = new Map(LEGACY.map(([name, code]) => [name, code]));
const CONSTANTS: Array<readonly [string, number]> = [
  ...LEGACY.map(([, code, constant]) => [constant, code] as const),
  ["DOMSTRING_SIZE_ERR", 2],
  ["NO_DATA_ALLOWED_ERR", 6],
  ["INUSE_ATTRIBUTE_ERR", 10],
  ["VALIDATION_ERR", 16],
];

export class DOMException extends Error {
  #name: string;

  constructor(message: unknown = "", name: unknown = "Error") {
    super(String(message));
    this.#name = String(name);
  }

  override get name(): string {
    return this.#name;
  }

  get code(): number {
    return CODES.get(this.#name) ?? 0;
  }

  get [Symbol.toStringTag](): string {
    return "DOMException";
  }
}

// WebIDL constants: DOMException.ABORT_ERR and the like, on the constructor and the prototype.
for (const [constant, code] of CONSTANTS) {
  for (const target of [DOMException, DOMException.prototype]) {
    Object.defineProperty(target, constant, { value: code, enumerable: true });
  }
}
