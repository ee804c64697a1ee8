# aic developer targets. `make help` lists them.
.PHONY: help install check lit pytest generate conformance bench bench-quick bench-cuda

help:           ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

install:        ## editable install with the test extra
	pip install -e ".[test]"

check: lit pytest  ## the whole test suite (what CI runs)

lit:            ## lit + FileCheck tests
	lit -sv test

pytest:         ## Python tests
	pytest -q

generate:       ## regenerate IRDL files and dialect README op tables
	python -m aic.dialects.generate

conformance:    ## ONNX node-test conformance report (all claimed ops)
	python -m aic.testing.conformance

bench:          ## aic vs onnxruntime benchmarks
	python -m benchmarks.run

bench-quick:    ## the same at reduced model sizes, 3 timed calls (minutes, not tens)
	python -m benchmarks.run --quick

bench-cuda:     ## aic on the GPU vs onnxruntime's CUDA provider (says "no GPU" without one)
	python -m benchmarks.cuda
