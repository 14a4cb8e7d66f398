# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_MEMBERS ?= 500

.PHONY: install run test demo lock messages bench check-deploy clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# Embedded default unless DATABASE_URL / REDIS_URL are set: SQLite file + in-process Celery.
# manage.py uses jiading_union.settings.development (DEBUG on) unless told otherwise.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --members $(DEMO_MEMBERS)
	@echo ""
	@echo "  门户 / Portal:      http://$(HOST):$(PORT)/"
	@echo "  工作台 / Admin:     http://$(HOST):$(PORT)/admin/"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

demo: install
	$(BIN)/python manage.py seed_demo --members $(DEMO_MEMBERS)

# Re-pin constraints.txt after changing pyproject.toml bounds.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -e ".[dev]"
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt
	rm -rf .lock-venv

messages: install
	$(BIN)/python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(BIN)/python tools/po_fill.py

bench: install
	$(BIN)/python bench/seed_members.py

check-deploy: install
	DJANGO_SETTINGS_MODULE=jiading_union.settings.production DEBUG=0 \
	  SECRET_KEY=$$($(BIN)/python -c 'import secrets;print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=union.example.cn $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm var
