PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench check-docs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# the demo's public address: links in e-mails and the verification address on certificates
run: export PLANJST_BASE_URL ?= http://127.0.0.1:5000
run: $(STAMP)
	$(BIN)/flask --app app init-db
	$(BIN)/flask --app app seed-demo
	@# the worker (huey consumer) builds the batches and sends the outbox while the server runs;
	@# no web request needs more than a few seconds: gunicorn's timeout is set, not inherited
	$(BIN)/flask --app app worker & worker=$$!; trap "kill $$worker" EXIT INT TERM; \
	$(BIN)/gunicorn --workers 3 --timeout 30 --bind 127.0.0.1:5000 --access-logfile - 'app:create_app()'

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
