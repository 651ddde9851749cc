;; Hand-written workload: the control flow, 64-bit arithmetic, tables and memory
;; operations the AssemblyScript output rarely shows, each behind one export.
(module
  (type $unary (func (param i32) (result i32)))
  (memory 1)
  (table 4 funcref)
  (elem (i32.const 0) $double $square $negate)
  (global $counter (mut i32) (i32.const 0))
  (data (i32.const 16) "\01\02\03\04\05\06\07\08wasmqtt")

  (func $double (type $unary) (i32.shl (local.get 0) (i32.const 1)))
  (func $square (type $unary) (i32.mul (local.get 0) (local.get 0)))
  (func $negate (type $unary) (i32.sub (i32.const 0) (local.get 0)))

  ;; call_indirect: slot 3 is empty and traps, beyond 3 is out of the table.
  (func (export "indirect") (param $slot i32) (param $x i32) (result i32)
    (call_indirect (type $unary) (local.get $x) (local.get $slot)))

  ;; br_table with a default, inside nested blocks.
  (func (export "classify") (param $x i32) (result i32)
    (block $other
      (block $two
        (block $one
          (block $zero
            (br_table $zero $one $two $other (local.get $x)))
          (return (i32.const 100)))
        (return (i32.const 101)))
      (return (i32.const 102)))
    (i32.const -1))

  (func (export "i64_mix") (param $a i64) (param $b i64) (result i64)
    (i64.xor
      (i64.add (i64.mul (local.get $a) (local.get $b)) (i64.rotl (local.get $a) (local.get $b)))
      (i64.add
        (i64.div_u (local.get $a) (i64.or (local.get $b) (i64.const 1)))
        (i64.add (i64.popcnt (local.get $a)) (i64.add (i64.clz (local.get $b)) (i64.ctz (local.get $a)))))))

  (func (export "i64_div_s") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
  (func (export "i64_rem_s") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "i32_div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "i32_rem_u") (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1)))

  ;; Loads of every width and sign from the data segment, summed.
  (func (export "loads") (result i64)
    (i64.add
      (i64.add (i64.load (i32.const 16)) (i64.load32_s (i32.const 20)))
      (i64.extend_i32_u (i32.add (i32.load16_s (i32.const 23)) (i32.load8_u (i32.const 24))))))

  ;; Memory grow/size and bulk copy/fill, then a checksum of the moved bytes.
  (func (export "bulk") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (memory.fill (i32.const 256) (i32.const 7) (local.get $n))
    (memory.copy (i32.const 512) (i32.const 16) (i32.const 15))
    (loop $each
      (local.set $sum (i32.add (local.get $sum) (i32.load8_u offset=256 (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $i) (i32.add (local.get $n) (i32.const 300)))))
    (i32.add (local.get $sum) (i32.load (i32.const 520))))

  (func (export "grow") (param $pages i32) (result i32)
    (i32.add (i32.mul (memory.grow (local.get $pages)) (i32.const 1000)) (memory.size)))

  (func (export "out_of_bounds") (param $at i32) (result i32)
    (i32.load (local.get $at)))

  (func (export "count") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))

  (func $deep (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get $n) (i32.const 1)))))))
  (func (export "deep") (param i32) (result i32) (call $deep (local.get 0)))

  (func (export "select_sign_extend") (param $x i32) (result i64)
    (select (i64.extend8_s (i64.extend_i32_u (local.get $x)))
            (i64.extend16_s (i64.extend_i32_u (local.get $x)))
            (i32.and (local.get $x) (i32.const 1))))

  (func (export "unreachable") (unreachable))
)
