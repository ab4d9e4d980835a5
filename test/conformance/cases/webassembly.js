// WebAssembly (V8's own) on a hand-assembled module: (func (export "add") (param i32 i32) (result i32)).
import { equal, ok, rejects } from "./assert.js";

const ADD = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version
  0x01,
  0x07,
  0x01,
  0x60,
  0x02,
  0x7f,
  0x7f,
  0x01,
  0x7f, // type section: (i32, i32) -> i32
  0x03,
  0x02,
  0x01,
  0x00, // function section: one function of type 0
  0x07,
  0x07,
  0x01,
  0x03,
  0x61,
  0x64,
  0x64,
  0x00,
  0x00, // export section: "add" = function 0
  0x0a,
  0x09,
  0x01,
  0x07,
  0x00,
  0x20,
  0x00,
  0x20,
  0x01,
  0x6a,
  0x0b, // code: local.get 0, local.get 1, i32.add
]);

// (import "env" "log" (func (param i32))) (func (export "run") i32.const 42 call 0)
const IMPORTS = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  0x01,
  0x08,
  0x02,
  0x60,
  0x01,
  0x7f,
  0x00,
  0x60,
  0x00,
  0x00, // types: (i32) -> (), () -> ()
  0x02,
  0x0b,
  0x01,
  0x03,
  0x65,
  0x6e,
  0x76,
  0x03,
  0x6c,
  0x6f,
  0x67,
  0x00,
  0x00, // import env.log: type 0
  0x03,
  0x02,
  0x01,
  0x01, // function section: one function of type 1
  0x07,
  0x07,
  0x01,
  0x03,
  0x72,
  0x75,
  0x6e,
  0x00,
  0x01, // export "run" = function 1
  0x0a,
  0x08,
  0x01,
  0x06,
  0x00,
  0x41,
  0x2a,
  0x10,
  0x00,
  0x0b, // code: i32.const 42, call 0
]);

export default {
  "WebAssembly.instantiate compiles and runs a module from bytes": async () => {
    const { instance, module } = await WebAssembly.instantiate(ADD);
    equal(instance.exports.add(2, 3), 5);
    ok(module instanceof WebAssembly.Module);
  },
  "new WebAssembly.Module and Instance work synchronously": () => {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(ADD));
    equal(instance.exports.add(-1, 1), 0);
    ok(WebAssembly.validate(ADD));
    ok(!WebAssembly.validate(new Uint8Array([0, 1, 2])));
  },
  "WebAssembly modules call imported JavaScript functions": async () => {
    let logged;
    const { instance } = await WebAssembly.instantiate(IMPORTS, {
      env: { log: (value) => (logged = value) },
    });
    instance.exports.run();
    equal(logged, 42);
  },
  "WebAssembly.compile rejects invalid bytes with a CompileError": async () => {
    await rejects(() => WebAssembly.compile(new Uint8Array([1, 2, 3, 4])), "CompileError");
  },
  "WebAssembly.instantiateStreaming compiles from a Response": async () => {
    const response = new Response(ADD, { headers: { "content-type": "application/wasm" } });
    const { instance } = await WebAssembly.instantiateStreaming(response);
    equal(instance.exports.add(1, 1), 2);
  },
};
