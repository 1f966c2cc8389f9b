// asc transform for build/core.wasm's collector (scripts/build.mjs passes it
// to asc with --transform; asconfig.json cannot name it: asc resolves a
// relative transform path there as a package name).
//
// The module runs AssemblyScript's `minimal` runtime: TLSF + a two-colour
// mark & sweep (tcms) that never collects by itself and has no shadow stack,
// so it may only run where no managed object lives on the Wasm stack alone:
// at the entry of an export called by the host whose parameters are all
// numbers (core/abi.ts, "garbage collection"). This transform does two
// things after asc compiles and before Binaryen optimises:
//
// 1. core/abi.ts's gcManagedBytes() becomes a read of tcms's `total` (the
//    bytes it manages, live and garbage), a module-private global that
//    AssemblyScript code cannot import. A custom runtime file could export
//    it, but asc compiles any runtime other than stub/minimal with the
//    incremental runtime's shadow stack, which is what this build avoids.
// 2. Every export of the flat API (core/index.ts) whose parameters are all
//    numbers (pollOutputs, settleTimeout, logWrite, handleSubscriptionById,
//    ...) is re-pointed to a new function that does what core/abi.ts's
//    gcSafePoint() does (collect once the managed bytes reach gcNextAt)
//    and then calls the original. Calls inside the module still go
//    to the original, so only a call from the host is a safe point. The
//    zc_* exports call gcSafePoint() themselves (core/abi.ts).
//
// If a name is missing (another runtime, a renamed function, a new asc) the
// build fails here instead of shipping a module that never collects.

const BYTES = "core/abi/gcManagedBytes";
const SAFE_POINT = "core/abi/gcSafePoint";
// gcSafePoint's test, inlined into each stub (Binaryen at shrinkLevel 1
// would keep it a call): collect when the managed bytes reach gcNextAt.
const NEXT_AT = "core/abi/gcNextAt";
const COLLECT = "core/abi/gcCollect";
const TOTAL = "~lib/rt/tcms/total";
const FLAT_API = "core/index/";

export default class GcSafePoints {
  afterCompile(module) {
    const binaryen = this.binaryen;
    const fail = (why) => {
      throw new Error(`asc-gc-counter: ${why}`);
    };
    if (!module.getFunction(BYTES)) fail(`no function ${BYTES}`);
    for (const f of [SAFE_POINT, COLLECT]) if (!module.getFunction(f)) fail(`no function ${f}`);
    const global = (name) => {
      try {
        return module.getGlobal(name);
      } catch {
        return 0;
      }
    };
    if (!global(NEXT_AT)) fail(`no global ${NEXT_AT}`);
    const total = global(TOTAL);
    if (!total) fail(`no global ${TOTAL}: build with "runtime": "minimal" (asconfig.json)`);

    // 1. the byte count
    const type = binaryen.getGlobalInfo(total).type;
    module.removeFunction(BYTES);
    module.addFunction(BYTES, binaryen.none, type, [], module.global.get(TOTAL, type));

    // 2. safe points at the entry of the flat API's all-number exports
    const wrap = [];
    for (let i = 0; i < module.getNumExports(); i++) {
      const info = binaryen.getExportInfo(module.getExportByIndex(i));
      if (info.kind !== binaryen.ExternalFunction || !info.value.startsWith(FLAT_API)) continue;
      const fn = this.program.instancesByName.get(info.value);
      if (!fn || !fn.signature) fail(`no signature for ${info.value}`);
      // A managed parameter (a string, an array) is a pointer the host
      // passes: collecting before the call could free it.
      if (fn.signature.parameterTypes.some((t) => t.isReference)) continue;
      wrap.push(info);
    }
    if (wrap.length === 0) fail(`no all-number export in ${FLAT_API}`);
    const lt = type === binaryen.i64 ? module.i64.lt_u : module.i32.lt_u;
    const check = () =>
      module.if(
        lt(module.global.get(TOTAL, type), module.global.get(NEXT_AT, type)),
        module.nop(),
        module.call(COLLECT, [], binaryen.none),
      );
    for (const { name, value } of wrap) {
      const f = binaryen.getFunctionInfo(module.getFunction(value));
      const params = binaryen.expandType(f.params);
      const args = params.map((t, k) => module.local.get(k, t));
      const entry = `${value}@safepoint`;
      module.addFunction(
        entry,
        f.params,
        f.results,
        [],
        module.block(null, [check(), module.call(value, args, f.results)], f.results),
      );
      module.removeExport(name);
      module.addFunctionExport(entry, name);
    }
  }
}
