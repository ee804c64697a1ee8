"""The rewrite helpers of the pass-writing API, under their documented import name.

Rule tables and the fixpoint driver live in ``aic.dsl.rewriting`` (dialect-independent);
reading and building graph constants in ``aic.dialects.graph.constants``. Plugins and passes
may import either from here.
"""

from aic.dialects.graph.constants import (  # noqa: F401
    RESOURCE_THRESHOLD,
    constant_attr,
    constant_value,
    elements_attr,
    erase_if_unused,
    make_constant,
    numpy_dtype,
    splat_value,
)
from aic.dsl.constraints import static_shape  # noqa: F401
from aic.dsl.rewriting import (  # noqa: F401
    Rewriter,
    Rule,
    RuleError,
    apply_rules,
    has_one_use,
    ops_in,
    replace,
)
