// Blob, File, FormData and the form body encodings, loaded together on first use (see lazy.ts).
export { Blob, blobBytes, File } from "./blob.js";
export { FormData } from "./form-data.js";
export { parseMimeType } from "./mime.js";
export { encodeMultipart, parseMultipart, parseUrlencoded } from "./multipart.js";
