"""The ``graph`` dialect: model-level tensor ops (see README.md)."""

from aic.dialects.graph.dialect import graph  # noqa: F401
from aic.dialects.graph.ops_elementwise import *  # noqa: F401,F403
from aic.dialects.graph.ops_elementwise import UNARY_FUNCTIONS  # noqa: F401
from aic.dialects.graph.ops_bitwise import *  # noqa: F401,F403
from aic.dialects.graph.ops_index import *  # noqa: F401,F403
from aic.dialects.graph.ops_selection import *  # noqa: F401,F403
from aic.dialects.graph.ops_nn import *  # noqa: F401,F403
from aic.dialects.graph.ops_reduce import *  # noqa: F401,F403
from aic.dialects.graph.ops_shape import *  # noqa: F401,F403
from aic.dialects.graph.ops_structure import *  # noqa: F401,F403

DIALECT = graph
