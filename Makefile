# Shortcuts: each target is one documented command (README.md, bench/README.md).
.PHONY: test demo bench bench-quick bench-check

test:  ## every check and the test suite (what CI runs)
	bash scripts/test.sh -q

demo:  ## the offline demo against the fake exchange
	bash scripts/demo.sh

bench:  ## every benchmark row side by side with the peers (~10 min): bench/results/latest.md
	bash scripts/bench.sh

bench-quick:  ## a short run of every row: nothing broke, rough ratios (results/quick.md.tmp)
	bash scripts/bench.sh --quick

bench-check:  ## a quick run of ours vs the references: fails if a ratio grew > 1.5x its baseline
	bash scripts/bench.sh --quick --no-peers --check
