irdl.dialect @hw {
  irdl.operation @parallel {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "#builtin.dense_array"
    %c2 = irdl.base "#builtin.dense_array"
    %c3 = irdl.base "#builtin.array"
    %c4 = irdl.base "!builtin.tensor"
    %c5 = irdl.region
    irdl.operands(outs: variadic %c0)
    irdl.attributes {"upper_bounds" = %c1, "steps" = %c2, "mapping" = %c3}
    irdl.regions(body: %c5)
    irdl.results(results: variadic %c4)
  }
  irdl.operation @microkernel {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    %c3 = irdl.base "#builtin.integer"
    %c4 = irdl.base "#builtin.integer"
    %c5 = irdl.base "!builtin.tensor"
    irdl.operands(a: %c0, b: %c1, c: %c2)
    irdl.attributes {"mr" = %c3, "nr" = %c4}
    irdl.results(result: %c5)
  }
  irdl.operation @shared_alloc {
    %c0 = irdl.base "!builtin.memref"
    irdl.results(buffer: %c0)
  }
  irdl.operation @barrier {
    %c0 = irdl.is "block"
    %c1 = irdl.is "warp"
    %c2 = irdl.any_of(%c0, %c1)
    irdl.attributes {"scope" = %c2}
  }
}
