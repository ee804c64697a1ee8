irdl.dialect @tiled {
  irdl.operation @kernel {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "#builtin.dense_array"
    %c2 = irdl.base "#builtin.dense_array"
    %c3 = irdl.base "#builtin.array"
    %c4 = irdl.base "#builtin.dense_array"
    %c5 = irdl.base "#builtin.string"
    %c6 = irdl.base "!builtin.tensor"
    %c7 = irdl.region
    %c8 = irdl.region
    irdl.operands(inits: variadic %c0)
    irdl.attributes {"space" = %c1, "tile_sizes" = %c2, "iterators" = %c3, "outs_indexing" = %c4, "kind" = %c5}
    irdl.regions(body: %c7, epilogue: %c8)
    irdl.results(outs: variadic %c6)
  }
  irdl.operation @load {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.is index
    %c2 = irdl.base "#builtin.dense_array"
    %c3 = irdl.base "!builtin.tensor"
    irdl.operands(source: %c0, offsets: variadic %c1)
    irdl.attributes {"sizes" = %c2}
    irdl.results(tile: %c3)
  }
}
