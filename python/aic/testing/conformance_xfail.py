"""Expected failures of the ONNX node conformance run: case name -> reason.

Every entry says why aic's answer differs; an entry whose case starts passing is reported as
``xpassed`` (and fails the run) so this list cannot go stale.
"""

XFAIL: dict[str, str] = {
    # math/nn ops (G1)
    "test_attention_4d_causal_fp16_expanded":
        "the expanded graph rounds Q*scale, K*scale, Q@K^T and the softmax to f16 as its ops "
        "say; the expected data come from the fused Attention reference: 2/192 outputs differ "
        "by 2 f16 ulps (> rtol 1e-3) although aic is within 4.0e-4 of the exact f64 attention "
        "(the expected data: 4.9e-4)",
    "test_attention_4d_causal_fp16":
        "the expected data round Q*scale, K*scale, Q@K^T and the softmax to f16 step by step; "
        "aic accumulates the f16 matmuls and the softmax row in f32: 2/192 outputs differ by "
        "2 f16 ulps (4.9e-4 at about 0.4, > rtol 1e-3) although aic is within 4.0e-4 of the exact "
        "f64 attention (the expected data: 4.9e-4)",
}
