# ClaimCheck. `make` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Development values for a local run; production sets real ones in the environment.
DEV_ENV := DEBUG=1 SECRET_KEY=dev-only-insecure-key SECURE_SSL_REDIRECT=0 \
	ALLOWED_HOSTS=127.0.0.1,localhost

# The suite runs with production-like settings (DEBUG off), minus the HTTPS redirect.
TEST_ENV := SECRET_KEY=test-only-insecure-key DEBUG=0 SECURE_SSL_REDIRECT=0

.DEFAULT_GOAL := help
.PHONY: help install run test test-postgres lint format migrate starter-data check-deploy clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP) ## Create .venv with the machine's python3 and install the pinned requirements

run: install ## Migrate, load the starter data and serve http://127.0.0.1:8000/
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py load_starter_data
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install ## Run the whole suite (SQLite; set DATABASE_URL=postgres://... for PostgreSQL)
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: install ## Apply migrations to the configured database
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input

starter-data: install ## Load (or refresh) the curated starter data
	$(DEV_ENV) $(BIN)/python manage.py load_starter_data

check-deploy: install ## Django's deployment checks under production settings
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=claimcheck.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

clean: ## Remove the virtualenv, caches and the local SQLite database
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis staticfiles claimcheck.sqlite3 .coverage
