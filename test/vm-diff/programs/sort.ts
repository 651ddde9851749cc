// Sorting integers in linear memory: insertion sort, heap sort, and a checksum of the order.
export function fill(ptr: usize, count: u32, seed: u32): void {
  let x = seed | 1;
  for (let i: u32 = 0; i < count; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    store<i32>(ptr + (i << 2), x as i32);
  }
}

export function insertionSort(ptr: usize, count: u32): void {
  for (let i: u32 = 1; i < count; i++) {
    const v = load<i32>(ptr + (i << 2));
    let j = i;
    while (j > 0 && load<i32>(ptr + ((j - 1) << 2)) > v) {
      store<i32>(ptr + (j << 2), load<i32>(ptr + ((j - 1) << 2)));
      j--;
    }
    store<i32>(ptr + (j << 2), v);
  }
}

function siftDown(ptr: usize, start: u32, end: u32): void {
  let root = start;
  while (root * 2 + 1 < end) {
    let child = root * 2 + 1;
    if (child + 1 < end && load<u32>(ptr + (child << 2)) < load<u32>(ptr + ((child + 1) << 2))) child++;
    if (load<u32>(ptr + (root << 2)) >= load<u32>(ptr + (child << 2))) return;
    const t = load<u32>(ptr + (root << 2));
    store<u32>(ptr + (root << 2), load<u32>(ptr + (child << 2)));
    store<u32>(ptr + (child << 2), t);
    root = child;
  }
}

export function heapSortUnsigned(ptr: usize, count: u32): void {
  if (count < 2) return;
  for (let start = (count - 2) / 2 + 1; start > 0; start--) siftDown(ptr, start - 1, count);
  for (let end = count - 1; end > 0; end--) {
    const t = load<u32>(ptr);
    store<u32>(ptr, load<u32>(ptr + (end << 2)));
    store<u32>(ptr + (end << 2), t);
    siftDown(ptr, 0, end);
  }
}

export function checksum(ptr: usize, count: u32): u32 {
  let h: u32 = 2166136261;
  for (let i: u32 = 0; i < count; i++) h = (h ^ load<u32>(ptr + (i << 2))) * 16777619;
  return h;
}

export function isSorted(ptr: usize, count: u32, signed: bool): bool {
  for (let i: u32 = 1; i < count; i++) {
    const a = load<u32>(ptr + ((i - 1) << 2)), b = load<u32>(ptr + (i << 2));
    if (signed ? (a as i32) > (b as i32) : a > b) return false;
  }
  return true;
}
