// Blob, File, FormData and the form body encodings, loaded together on first use (see lazy.ts).
export { Blob, File, blobBytes } from "./blob.js";
export { FormData } from "./form-data.js";
export { encodeMultipart, parseMultipart, parseUrlencoded } from "./multipart.js";
export { parseMimeType } from "./mime.js";
