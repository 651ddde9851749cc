// String and byte work: AssemblyScript strings (UTF-16, stub runtime), UTF-8 encoding,
// byte search and reversal in linear memory.
export function utf8Length(codepoints: u32): i32 {
  let s = "";
  for (let i: u32 = 0; i < codepoints; i++) s += String.fromCodePoint(0x41 + ((i * 2654435761) % 0x2000));
  return String.UTF8.byteLength(s);
}

export function hashString(n: i32): u32 {
  let s = "topic/" + n.toString() + "/sensor-" + (n * 7).toString(16);
  let h: u32 = 5381;
  for (let i = 0; i < s.length; i++) h = (h << 5) + h + s.charCodeAt(i);
  return h ^ s.length;
}

export function topicMatches(filterKind: i32, depth: i32): bool {
  const filter = filterKind == 0 ? "a/+/c" : filterKind == 1 ? "a/#" : "a/b/c";
  let topic = "a";
  for (let i = 1; i < depth; i++) topic += i == 1 ? "/b" : "/c";
  const f = filter.split("/"), t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] == "#") return true;
    if (i >= t.length) return false;
    if (f[i] != "+" && f[i] != t[i]) return false;
  }
  return f.length == t.length;
}

export function reverseBytes(ptr: usize, len: u32): u32 {
  for (let i: u32 = 0, j = len - 1; i < j; i++, j--) {
    const t = load<u8>(ptr + i);
    store<u8>(ptr + i, load<u8>(ptr + j));
    store<u8>(ptr + j, t);
  }
  let h: u32 = 0;
  for (let i: u32 = 0; i < len; i++) h = h * 31 + load<u8>(ptr + i);
  return h;
}

export function indexOfByte(ptr: usize, len: u32, byte: u8): i32 {
  for (let i: u32 = 0; i < len; i++) if (load<u8>(ptr + i) == byte) return i;
  return -1;
}

export function fillText(ptr: usize, len: u32): void {
  for (let i: u32 = 0; i < len; i++) store<u8>(ptr + i, (0x61 + (i * 7) % 26) as u8);
}
