"""Expected failures of the ONNX node conformance run: case name -> reason.

Every entry says why aic's answer differs, or which form of a claimed op aic rejects (a
claimed case that ends ``unsupported`` is a failure unless listed here); an entry whose case
starts passing is reported as ``xpassed`` (and fails the run) so this list cannot go stale.
"""

_ANTIALIAS = "Resize with antialias=1 (a widened filter when downsampling) is not implemented"
_TRAINING = ("Dropout in training mode with a nonzero ratio drops at random: the expected data "
             "come from numpy's RandomState(seed) stream, which aic does not reproduce")
_ARGMAX = "MaxPool's Indices output (argmax positions) is not implemented"

XFAIL: dict[str, str] = {
    # claimed ops in forms aic rejects (UnsupportedError naming the node and the form)
    "test_resize_downsample_scales_cubic_antialias": _ANTIALIAS,
    "test_resize_downsample_scales_linear_antialias": _ANTIALIAS,
    "test_resize_downsample_sizes_cubic_antialias": _ANTIALIAS,
    "test_resize_downsample_sizes_linear_antialias": _ANTIALIAS,
    "test_training_dropout": _TRAINING,
    "test_training_dropout_default": _TRAINING,
    "test_training_dropout_default_mask": _TRAINING,
    "test_training_dropout_mask": _TRAINING,
    "test_maxpool_with_argmax_2d_precomputed_pads": _ARGMAX,
    "test_maxpool_with_argmax_2d_precomputed_strides": _ARGMAX,
    # math/nn ops (G1)
    "test_attention_4d_causal_fp16_expanded":
        "the expanded graph rounds Q*scale, K*scale, Q@K^T and the softmax to f16 as its ops "
        "say; the expected data come from the fused Attention reference: 2/192 outputs differ "
        "by 2 f16 ulps (> rtol 1e-3) although aic is within 4.0e-4 of the exact f64 attention "
        "(the expected data: 4.9e-4)",
}
