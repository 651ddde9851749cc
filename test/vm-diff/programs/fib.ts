// Recursion, iteration and memoisation in linear memory.
export function fib(n: i32): i32 {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export function fibIter(n: i32): i64 {
  let a: i64 = 0, b: i64 = 1;
  for (let i = 0; i < n; i++) { const t = a + b; a = b; b = t; }
  return a;
}

export function ackermann(m: i32, n: i32): i32 {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

export function collatzSteps(start: u32): u32 {
  let n = start, steps: u32 = 0;
  while (n != 1 && steps < 10000) { n = n & 1 ? 3 * n + 1 : n >> 1; steps++; }
  return steps;
}
