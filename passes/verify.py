"""``aic-verify``: run aic's semantic verifier (what IRDL cannot state) inside a pipeline."""

from aic.errors import AlreadyReported
from aic.pass_base import Pass, register_pass
from aic.verify import verify_semantics


@register_pass
class Verify(Pass):
    """Check aic ops' semantics (element types, ranks, shape rules, attribute ranges).

    Emits one error per problem at the op's location and fails if there is any.
    """

    NAME = "aic-verify"

    def run(self, op):
        if not verify_semantics(op):
            raise AlreadyReported()
