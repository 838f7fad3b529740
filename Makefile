PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lock upgrade-lock lint bench check-docs

LOCK := requirements.lock
COMPILE := $(BIN)/pip-compile -q --no-emit-index-url --no-emit-find-links --generate-hashes --extra test --all-build-deps --allow-unsafe \
	--strip-extras -o $(LOCK) pyproject.toml

# exactly the versions (and files, by hash) in the lock: the app, the test extras, setuptools to
# build the project itself; then the project, editable, with nothing more resolved
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# after a dependency is added to pyproject.toml: pin it (and what it needs), keeping the other pins
lock: $(STAMP)
	$(BIN)/python -m pip install -q pip-tools
	$(COMPILE)

# on purpose: every dependency to its newest release allowed by pyproject.toml
upgrade-lock: $(STAMP)
	$(BIN)/python -m pip install -q pip-tools
	$(COMPILE) --upgrade

# the demo's public address: links in e-mails and the verification address on certificates
run: export PLANJST_BASE_URL ?= http://127.0.0.1:5000
# every process writes its metrics there; /metrics sums them (emptied at each start)
run: export PROMETHEUS_MULTIPROC_DIR = $(CURDIR)/instance/metrics
run: $(STAMP)
	rm -rf $(PROMETHEUS_MULTIPROC_DIR) && mkdir -p $(PROMETHEUS_MULTIPROC_DIR)
	$(BIN)/flask --app app init-db
	$(BIN)/flask --app app seed-demo
	@# the worker (huey consumer) builds the batches and sends the outbox while the server runs;
	@# no web request needs more than a few seconds: gunicorn's timeout is set, not inherited;
	@# the app writes one JSON line per request itself (no gunicorn access log: it has the query)
	$(BIN)/flask --app app worker & worker=$$!; trap "kill $$worker" EXIT INT TERM; \
	$(BIN)/gunicorn --workers 3 --timeout 30 --bind 127.0.0.1:5000 'app:create_app()'

test: $(STAMP)
	@$(BIN)/python -c "import shutil,sys; shutil.which('chromium') or print('\n*** UWAGA: brak przeglądarki chromium (apt-get install chromium) — testy przeglądarkowe (e2e) zostaną POMINIĘTE ***\n', file=sys.stderr)"
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# every document kind of every demo JST → instance/check-docs/ (PDF + PNG pages to look at);
# needs LibreOffice and poppler-utils; fails when a printed check fails
check-docs: $(STAMP)
	$(BIN)/python tools/check_docs.py --out instance/check-docs
