// Parses a MIME type such as a Content-Type value (MIME Sniffing standard, "parse a MIME type").

export interface MimeType {
  /** type/subtype, lowercased. */
  essence: string;
  /** Parameter names lowercased; the first occurrence of a name wins. */
  parameters: Map<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const QUOTED_STRING_TEXT = /^[\t\x20-\x7e\x80-\xff]*$/;

export function parseMimeType(input: string): MimeType | null {
  const text = input.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
  const slash = text.indexOf("/");
  if (slash === -1) return null;
  const type = text.slice(0, slash);
  let position = text.indexOf(";", slash);
  if (position === -1) position = text.length;
  const subtype = text.slice(slash + 1, position).replace(/[\t\n\r ]+$/, "");
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return null;
  const parameters = new Map<string, string>();
  while (position < text.length) {
    position++; // past ";"
    while (position < text.length && /[\t\n\r ]/.test(text[position] as string)) position++;
    let end = position;
    while (end < text.length && text[end] !== ";" && text[end] !== "=") end++;
    const name = text.slice(position, end).toLowerCase();
    position = end;
    if (position >= text.length) break;
    if (text[position] === ";") continue;
    position++; // past "="
    let value = "";
    if (text[position] === '"') {
      position++;
      while (position < text.length && text[position] !== '"') {
        if (text[position] === "\\" && position + 1 < text.length) position++;
        value += text[position];
        position++;
      }
      while (position < text.length && text[position] !== ";") position++;
    } else {
      let valueEnd = text.indexOf(";", position);
      if (valueEnd === -1) valueEnd = text.length;
      value = text.slice(position, valueEnd).replace(/[\t\n\r ]+$/, "");
      position = valueEnd;
      if (value === "") continue;
    }
    if (name !== "" && TOKEN.test(name) && QUOTED_STRING_TEXT.test(value) && !parameters.has(name)) {
      parameters.set(name, value);
    }
  }
  return { essence: `${type}/${subtype}`.toLowerCase(), parameters };
}
