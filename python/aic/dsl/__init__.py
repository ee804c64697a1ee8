"""The dialect-definition layer: declare ops once in Python (see ``opdef``)."""

from aic.dsl.attributes import (  # noqa: F401
    AnyAttr,
    AttrConstraint,
    BoolArrayAttr,
    BoolAttr,
    DictAttr,
    ElementsAttr,
    EnumAttr,
    FloatArrayAttr,
    FloatAttr,
    IntArrayAttr,
    IntAttr,
    StrArrayAttr,
    StrAttr,
    SymbolRefAttr,
    TypeAttr,
)
from aic.dsl.constraints import (  # noqa: F401
    FLOAT_TYPES,
    INDEX_TYPES,
    INT_TYPES,
    NUMERIC_TYPES,
    SIGNLESS_INT_TYPES,
    AnyType,
    Index,
    MemRef,
    Tensor,
    TensorOrMemRef,
    TypeConstraint,
)
from aic.dsl.opdef import DIALECTS, AicOp, Attr, Dialect, OpDef, Operand, Region, Result  # noqa: F401,E501
