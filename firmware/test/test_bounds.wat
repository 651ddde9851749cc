;; A stand-in engine with the ABI's exports whose imports get pointers outside its memory: the C
;; layer must turn each into a trap of the call (MQTT_ENGINE_ETRAP), never a read out of bounds.
;; unsubscribe loads inside the declared page but past the high-water mark the host backs: a trap
;; of the engine itself (out of bounds), the same on the interpreter and the native engine.
(module
  (import "env" "send" (func $send (param i32 i32 i32 i32 i32)))
  (import "env" "event" (func $event (param i32 i32 i32 i32)))
  (import "env" "message" (func $message (param i32 i32 i32 i32 i32 i32)))
  (import "env" "release" (func $release (param i32)))
  (memory (export "memory") 1)
  (global $io (mut i32) (i32.const 256))
  (func (export "io_ptr") (result i32) (i32.const 64))
  (func (export "io_size") (result i32) (global.get $io))
  ;; io is last: the host backs io_ptr + io_size bytes
  (func (export "layout") (param i32 i32 i32 i32 i32) (result i32)
    (global.set $io (local.get 4)) (i32.add (i32.const 64) (global.get $io)))
  (func (export "high_water") (result i32) (i32.add (i32.const 64) (global.get $io)))
  (func (export "configure") (param i32 i32))
;; text: a store past the backed memory (out of bounds, like unsubscribe's load)
  (func (export "text") (param i32 i32 i32) (result i32)
    (i32.store offset=0x7000 (local.get 0) (i32.const 1)) (i32.const 0))
  (func (export "field") (param i32 i32 i32) (result i32) (i32.const 0))
  (func (export "clear_fields"))
;; active: unaligned stores and a load (legal in wasm): 0 when the bytes round-trip
  (func (export "active") (result i32)
    (i32.store offset=1 (i32.const 64) (i32.const 0x11223344))
    (i32.store16 offset=3 (i32.const 64) (i32.const 0x5566))
    (i32.sub (i32.load offset=1 (i32.const 64)) (i32.const 0x55663344)))
;; start: asks the host to open the transport (event 1), as the engine does
  (func (export "start") (param i32 i32 i32 i32) (result i32)
    (call $event (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const 1))
  ;; opened: a send whose bytes run past the backed memory
  (func (export "opened") (param i32) (result i32) (call $send (i32.const 300) (i32.const 100) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const -1))
  ;; failed: a send whose length wraps around
  (func (export "failed") (param i32 i32) (result i32) (call $send (i32.const 8) (i32.const -4) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const -1))
  ;; received: a message whose topic pointer is far outside
  (func (export "received") (param i32 i32) (result i32) (call $message (i32.const 0x7fff0000) (i32.const 4) (i32.const 64) (i32.const 1) (i32.const 1) (i32.const 3)) (i32.const -1))
  ;; closed: a message whose data runs past the end
  (func (export "closed") (param i32) (result i32) (call $message (i32.const 64) (i32.const 1) (i32.const 310) (i32.const 20) (i32.const 20) (i32.const 3)) (i32.const -1))
  ;; tick: a SUBACK whose codes lie outside
  (func (export "tick") (param i32) (result i32) (call $event (i32.const 8) (i32.const 1) (i32.const 400) (i32.const 2)) (i32.const -1))
  (func (export "wake_delay") (result i32) (i32.const -1))
  ;; publish: a send of an unknown blob
  (func (export "publish") (param i32 i32 i32 i32 i32 i32) (result i32)
    (call $send (i32.const 64) (i32.const 1) (i32.const 999) (i32.const 0) (i32.const 4)) (i32.const 1))
  ;; subscribe: everything in range (the control: the engine is still usable before a trap)
  (func (export "subscribe") (param i32 i32) (result i32)
    (call $event (i32.const 8) (local.get 0) (i32.const 64) (i32.const 2)) (i32.const 1))
  (func (export "unsubscribe") (param i32 i32) (result i32) (i32.load offset=0x7000 (local.get 0)))
  (func (export "close") (param i32) (result i32) (call $release (i32.const 1)) (i32.const 1))
)
