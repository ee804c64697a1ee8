"""Test plugin: declares the dialect ``tbase`` (one op); ``uses_base_plugin.py`` imports it."""

from aic.dsl import AnyType, AicOp, Dialect, Operand, Result

tbase = Dialect("tbase", "A base dialect another plugin builds on.", "Test only.")


@tbase.op
class IdOp(AicOp):
    """Identity.

    ```mlir
    %y = "tbase.id"(%x) : (f32) -> f32
    ```
    """

    NAME = "id"
    x = Operand(AnyType())
    y = Result(AnyType())
